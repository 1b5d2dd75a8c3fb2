package dev.strongroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.strongroom.AccessPolicy.Resource;
import dev.strongroom.envelope.EncryptionContext;
import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.internal.memory.MemoryBackend;
import dev.strongroom.spi.WriteRequest;
import dev.strongroom.testkit.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Model-based test of the one guard: random policies, tenants, {@code scoped()} and {@code
 * tenant()} chains, and operations on secrets, keys, the envelope, leases, API keys and tenants.
 * The model is written apart from the room (its own glob matcher, its own namespacing, its own
 * notion of what exists): an operation is denied exactly when some policy of the chain does not
 * allow its namespaced resource (or the resource is reserved), and otherwise has the outcome the
 * model's state predicts. The model and the room must agree on every step.
 */
class GuardModelTest {
  private static final EncryptionContext CONTEXT = EncryptionContext.of("model", "guard");
  private static final List<String> NAMES =
      List.of("a", "db/x", "kek/default", "apikeys/.pepper", ".strongroom/audit/checkpoint");
  private static final List<String> TENANTS = List.of("t1", "t2");

  // ---------------------------------------------------------------- the model's vocabulary

  record Rule(Resource type, String pattern, Set<Operation> ops) {}

  /** One link of a chain: a scoped(policy) step, or a tenant(id) step. */
  record Link(List<Rule> policy, String tenant) {}

  enum Op {
    READ,
    METADATA,
    PUT,
    PUT_PENDING,
    ROTATE,
    LEASE_SECRET,
    LIST,
    KEY_DESCRIBE,
    KEY_CREATE,
    KEY_ROTATE,
    ENCRYPT,
    DECRYPT,
    ENVELOPE,
    LEASE_PATH,
    API_KEYS,
    TENANT
  }

  record Step(List<Link> chain, Op op, String name, String tenant) {}

  enum Expected {
    OK,
    DENIED,
    NOT_FOUND,
    CONFLICT,
    ILLEGAL_STATE
  }

  // ---------------------------------------------------------------- generators

  private static Arbitrary<Rule> rules() {
    Arbitrary<Rule> secret =
        Combinators.combine(
                Arbitraries.of(
                    "**", "*", "a", "db/*", "kek/**", "apikeys/**", "tenants/**", "tenants/t1/**"),
                ops(Resource.SECRET))
            .as((p, o) -> new Rule(Resource.SECRET, p, o));
    Arbitrary<Rule> key =
        Combinators.combine(
                Arbitraries.of(
                    "**", "default", "tenants/*/default", "tenants/t1/default", "kek/default"),
                ops(Resource.KEY))
            .as((p, o) -> new Rule(Resource.KEY, p, o));
    Arbitrary<Rule> tenant =
        Arbitraries.of("*", "t1", "t2")
            .map(p -> new Rule(Resource.TENANT, p, Set.of(Operation.READ)));
    Arbitrary<Rule> lease =
        Arbitraries.of("**", "database/**", "a")
            .map(p -> new Rule(Resource.LEASE, p, Set.of(Operation.LEASE)));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, secret),
        net.jqwik.api.Tuple.of(3, key),
        net.jqwik.api.Tuple.of(2, tenant),
        net.jqwik.api.Tuple.of(1, lease));
  }

  private static Arbitrary<Set<Operation>> ops(Resource type) {
    return Arbitraries.of(List.copyOf(type.operations())).set().ofMinSize(1);
  }

  private static Arbitrary<Link> links() {
    Arbitrary<Link> scoped = rules().list().ofMinSize(1).ofMaxSize(4).map(r -> new Link(r, null));
    Arbitrary<Link> tenant = Arbitraries.of(TENANTS).map(t -> new Link(null, t));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, scoped), net.jqwik.api.Tuple.of(2, tenant));
  }

  @Provide
  Arbitrary<Step> steps() {
    Arbitrary<List<Link>> chains =
        links()
            .list()
            .ofMaxSize(3)
            .filter(c -> c.stream().filter(l -> l.tenant() != null).count() <= 1);
    return Combinators.combine(
            chains, Arbitraries.of(Op.class), Arbitraries.of(NAMES), Arbitraries.of(TENANTS))
        .as(Step::new);
  }

  // ---------------------------------------------------------------- the property

  @Property(tries = 300)
  void everyStep_roomAndModelAgree(
      @ForAll @Size(min = 1, max = 30) List<@net.jqwik.api.From("steps") Step> steps) {
    MutableClock clock = MutableClock.create();
    MemoryBackend backend = MemoryBackend.create(clock);
    Model model = new Model();
    try (Strongroom room =
        Strongroom.builder().backend(backend).clock(clock).executor(Runnable::run).build()) {
      seed(room, backend, model);
      for (Step step : steps) {
        check(room, model, step);
      }
    }
  }

  /** Root secrets, reserved records (written natively), and tenant t1 with a key and secrets. */
  private static void seed(Strongroom room, MemoryBackend backend, Model model) {
    for (String name : NAMES) {
      if (model.reserved(name)) {
        backend
            .secrets()
            .write(
                new WriteRequest(
                    name, SecretValue.ofUtf8("library"), Stage.CURRENT, WriteRequest.ANY_VERSION));
      } else {
        room.put(name, SecretValue.ofUtf8("root"));
      }
      model.existing.add(name);
      model.current.add(name);
    }
    Strongroom t1 = room.tenant("t1");
    t1.keys().create("default");
    model.keys.add("tenants/t1/default");
    for (String name : NAMES) {
      t1.put(name, SecretValue.ofUtf8("t1"));
      model.existing.add("tenants/t1/" + name);
      model.current.add("tenants/t1/" + name);
    }
  }

  private static void check(Strongroom room, Model model, Step step) {
    // build the view link by link; a tenant() step is an operation of its own
    Strongroom view = room;
    List<Link> built = new ArrayList<>();
    for (Link link : step.chain()) {
      if (link.tenant() == null) {
        view = view.scoped(policy(link.policy()));
      } else {
        Expected expected = model.tenantStep(built, link.tenant());
        Strongroom from = view;
        Strongroom[] entered = new Strongroom[1];
        assertOutcome(expected, () -> entered[0] = from.tenant(link.tenant()), step, "tenant()");
        if (expected != Expected.OK) {
          return;
        }
        view = entered[0];
      }
      built.add(link);
    }
    Strongroom v = view;
    Expected expected = model.expect(built, step);
    if (step.op() == Op.DECRYPT) {
      Model.View mv = model.view(built);
      Strongroom plain = mv.tenant() == null ? room : room.tenant(mv.tenant());
      CIPHERTEXT.set(
          model.keys.contains(mv.tenant() == null ? "default" : mv.namespace() + "default")
              ? plain.encrypt(new byte[] {1}, CONTEXT)
              : new byte[] {1, 2, 3});
    }
    assertOutcome(expected, () -> run(v, step), step, step.op().name());
    model.apply(built, step, expected);
  }

  private static void run(Strongroom v, Step s) {
    switch (s.op()) {
      case READ -> v.secret(s.name()).wipe();
      case METADATA -> v.metadata(s.name());
      case PUT -> v.put(s.name(), SecretValue.ofUtf8("new"));
      case PUT_PENDING -> v.putPending(s.name(), SecretValue.ofUtf8("pending"));
      case ROTATE -> v.rotate(s.name(), c -> SecretValue.ofUtf8("rotated"));
      case LEASE_SECRET ->
          v.leaseSecret(s.name(), Duration.ofSeconds(5), Duration.ofSeconds(5)).revoke();
      case LIST -> LISTED.set(new TreeSet<>(v.list("")));
      case KEY_DESCRIBE -> v.keys().describe("default");
      case KEY_CREATE -> v.keys().create("default");
      case KEY_ROTATE -> v.keys().rotate("default");
      case ENCRYPT -> v.encrypt(new byte[] {1}, CONTEXT);
      case DECRYPT -> v.decrypt(CIPHERTEXT.get(), CONTEXT);
      case ENVELOPE -> v.envelope();
      case LEASE_PATH -> v.lease("database/creds/app");
      case API_KEYS -> v.apiKeys();
      case TENANT -> v.tenant(s.tenant());
    }
  }

  private static final ThreadLocal<Set<String>> LISTED = new ThreadLocal<>();
  private static final ThreadLocal<byte[]> CIPHERTEXT =
      ThreadLocal.withInitial(() -> new byte[] {1, 2, 3});

  private static void assertOutcome(Expected expected, Runnable call, Step step, String what) {
    Expected actual;
    try {
      call.run();
      actual = Expected.OK;
    } catch (AccessDeniedException e) {
      actual = Expected.DENIED;
    } catch (NotFoundException e) {
      actual = Expected.NOT_FOUND;
    } catch (ConflictException e) {
      actual = Expected.CONFLICT;
    } catch (IllegalStateException e) {
      actual = Expected.ILLEGAL_STATE;
    } catch (RuntimeException e) {
      fail(what + " threw " + e + " for " + step, e);
      return;
    }
    assertEquals(expected, actual, what + " for " + step);
  }

  private static AccessPolicy policy(List<Rule> rules) {
    AccessPolicy policy = null;
    for (Rule r : rules) {
      Operation[] ops = r.ops().toArray(new Operation[0]);
      policy =
          policy == null
              ? AccessPolicy.allow(r.type(), r.pattern(), ops)
              : policy.andAllow(r.type(), r.pattern(), ops);
    }
    return policy;
  }

  // ---------------------------------------------------------------- the model

  static final class Model {
    /** Full names the store holds (any stage). */
    final Set<String> existing = new HashSet<>();

    /** Full names with a CURRENT version. */
    final Set<String> current = new HashSet<>();

    final Set<String> keys = new HashSet<>(Set.of("default"));

    boolean reserved(String full) {
      return full.startsWith("apikeys/") || full.startsWith(".strongroom/");
    }

    /** The namespace and the policies (each with the namespace it was applied in) of a chain. */
    record View(String namespace, String tenant, List<Scope> scopes) {}

    record Scope(List<Rule> rules, String namespace) {}

    View view(List<Link> chain) {
      String ns = "";
      String tenant = null;
      List<Scope> scopes = new ArrayList<>();
      for (Link l : chain) {
        if (l.tenant() != null) {
          tenant = l.tenant();
          ns = "tenants/" + tenant + "/";
        } else {
          scopes.add(new Scope(l.policy(), ns));
        }
      }
      return new View(ns, tenant, scopes);
    }

    boolean allows(View v, Resource type, Operation op, String full) {
      if (type == Resource.SECRET && reserved(full)) {
        return false;
      }
      for (Scope s : v.scopes()) {
        String relative = full.substring(s.namespace().length());
        boolean any = false;
        for (Rule r : s.rules()) {
          any |= r.type() == type && r.ops().contains(op) && glob(r.pattern(), relative);
        }
        if (!any) {
          return false;
        }
      }
      return true;
    }

    Expected tenantStep(List<Link> chain, String id) {
      View v = view(chain);
      if (v.tenant() != null) {
        return Expected.ILLEGAL_STATE;
      }
      return allows(v, Resource.TENANT, Operation.READ, id) ? Expected.OK : Expected.DENIED;
    }

    Expected expect(List<Link> chain, Step s) {
      View v = view(chain);
      String full = v.namespace() + s.name();
      String key = v.tenant() == null ? "default" : "tenants/" + v.tenant() + "/default";
      boolean keyExists = keys.contains(key);
      boolean tenantKeyMissing = v.tenant() != null && !keyExists;
      return switch (s.op()) {
        case READ -> secret(v, Operation.READ, full, current.contains(full));
        case METADATA -> secret(v, Operation.READ, full, existing.contains(full));
        case PUT ->
            tenantKeyMissing && allows(v, Resource.SECRET, Operation.WRITE, full)
                ? Expected.NOT_FOUND
                : secret(v, Operation.WRITE, full, true);
        case PUT_PENDING ->
            tenantKeyMissing && allows(v, Resource.SECRET, Operation.WRITE, full)
                ? Expected.NOT_FOUND
                : secret(v, Operation.WRITE, full, true);
        case ROTATE -> secret(v, Operation.ROTATE, full, current.contains(full));
        case LEASE_SECRET -> secret(v, Operation.LEASE, full, current.contains(full));
        case LIST ->
            v.scopes().stream()
                    .allMatch(
                        sc ->
                            sc.rules().stream()
                                .anyMatch(
                                    r ->
                                        r.type() == Resource.SECRET
                                            && r.ops().contains(Operation.LIST)))
                ? Expected.OK
                : Expected.DENIED;
        case KEY_DESCRIBE, KEY_ROTATE ->
            key(
                v,
                s.op() == Op.KEY_DESCRIBE ? Operation.READ : Operation.ROTATE,
                key,
                keyExists ? Expected.OK : Expected.NOT_FOUND);
        case KEY_CREATE ->
            key(v, Operation.CREATE, key, keyExists ? Expected.CONFLICT : Expected.OK);
        case ENCRYPT ->
            key(v, Operation.ENCRYPT, key, keyExists ? Expected.OK : Expected.NOT_FOUND);
        case DECRYPT ->
            key(v, Operation.DECRYPT, key, keyExists ? Expected.OK : Expected.NOT_FOUND);
        case ENVELOPE ->
            allows(v, Resource.KEY, Operation.ENCRYPT, key)
                    && allows(v, Resource.KEY, Operation.DECRYPT, key)
                ? (keyExists ? Expected.OK : Expected.NOT_FOUND)
                : Expected.DENIED;
        case LEASE_PATH ->
            v.tenant() != null
                ? Expected.ILLEGAL_STATE
                : allows(v, Resource.LEASE, Operation.LEASE, "database/creds/app")
                    ? Expected.NOT_FOUND // the memory backend has no lease provider
                    : Expected.DENIED;
        case API_KEYS -> chain.isEmpty() ? Expected.OK : Expected.ILLEGAL_STATE;
        case TENANT -> tenantStep(chain, s.tenant());
      };
    }

    private Expected secret(View v, Operation op, String full, boolean exists) {
      if (!allows(v, Resource.SECRET, op, full)) {
        return Expected.DENIED;
      }
      return exists ? Expected.OK : Expected.NOT_FOUND;
    }

    private Expected key(View v, Operation op, String key, Expected ifAllowed) {
      return allows(v, Resource.KEY, op, key) ? ifAllowed : Expected.DENIED;
    }

    void apply(List<Link> chain, Step s, Expected outcome) {
      View v = view(chain);
      String full = v.namespace() + s.name();
      if (outcome == Expected.OK && s.op() == Op.PUT) {
        existing.add(full);
        current.add(full);
      }
      if (outcome == Expected.OK && s.op() == Op.PUT_PENDING) {
        existing.add(full);
      }
      if (outcome == Expected.OK && s.op() == Op.KEY_CREATE) {
        keys.add(v.tenant() == null ? "default" : "tenants/" + v.tenant() + "/default");
      }
      if (outcome == Expected.OK && s.op() == Op.LIST) {
        Set<String> expected = new TreeSet<>();
        for (String name : existing) {
          if (name.startsWith(v.namespace()) && allows(v, Resource.SECRET, Operation.LIST, name)) {
            expected.add(name.substring(v.namespace().length()));
          }
        }
        assertEquals(expected, LISTED.get(), "list for " + s);
      }
    }

    /** The model's own glob: {@code **} any characters, {@code *} any but {@code /}. */
    static boolean glob(String pattern, String text) {
      if (pattern.isEmpty()) {
        return text.isEmpty();
      }
      if (pattern.startsWith("**")) {
        for (int i = 0; i <= text.length(); i++) {
          if (glob(pattern.substring(2), text.substring(i))) {
            return true;
          }
        }
        return false;
      }
      if (pattern.charAt(0) == '*') {
        for (int i = 0; i <= text.length(); i++) {
          if (glob(pattern.substring(1), text.substring(i))) {
            return true;
          }
          if (i < text.length() && text.charAt(i) == '/') {
            return false;
          }
        }
        return false;
      }
      return !text.isEmpty()
          && pattern.charAt(0) == text.charAt(0)
          && glob(pattern.substring(1), text.substring(1));
    }
  }
}
