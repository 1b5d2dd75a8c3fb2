package dev.strongroom.file;

import dev.strongroom.file.internal.Credentials;
import dev.strongroom.file.internal.FileBackend;
import dev.strongroom.file.internal.FileUri;
import dev.strongroom.spi.Backend;
import dev.strongroom.spi.BackendProvider;
import dev.strongroom.spi.OpenRequest;

/**
 * Opens encrypted local stores named by {@code file:} URIs, such as {@code
 * file:///var/lib/app/strongroom} or {@code file:./.strongroom}. The master key comes from the
 * environment: {@code STRONGROOM_MASTER_KEY} (32 bytes, base64) or {@code STRONGROOM_PASSPHRASE}
 * (stretched with Argon2id); the query options {@code passphraseEnv=VAR}, {@code masterKeyEnv=VAR}
 * and {@code masterKeyFile=PATH} name other sources, and {@code create=true} creates a missing
 * store with a {@code default} KEK (a new store needs a passphrase of at least 12 characters, or a
 * master key; an existing folder must be empty and is never chmodded). A secret never appears in
 * the URI.
 *
 * <p>The store trusts nothing on disk: a symbolic link anywhere in it is refused ({@link
 * dev.strongroom.exception.TamperedException}); a store whose files or folders are owned by another
 * user or writable by group or others is refused ({@link
 * dev.strongroom.exception.AccessDeniedException}) unless the URI sets {@code
 * trust_permissions=true} (for odd set-ups such as a folder shared through a group; links are
 * refused regardless); a missing {@code keys/default.keyset} is a {@link
 * dev.strongroom.exception.NotFoundException}, never recreated; files larger than their bound and
 * Argon2id parameters above 1 GiB or 16 passes are refused before anything is allocated or derived.
 *
 * <p>Registered for {@link java.util.ServiceLoader}. Thread-safe and stateless.
 */
public final class FileBackendProvider implements BackendProvider {

  /** For {@link java.util.ServiceLoader}. */
  public FileBackendProvider() {}

  @Override
  public String scheme() {
    return "file";
  }

  /**
   * {@inheritDoc}
   *
   * @throws dev.strongroom.exception.NotFoundException if there is no store and {@code create} is
   *     not set
   * @throws dev.strongroom.exception.AccessDeniedException if no credentials are set or they are
   *     wrong ("wrong passphrase or master key")
   */
  @Override
  public Backend open(OpenRequest request) {
    FileUri parsed = FileUri.parse(request.uri());
    Credentials credentials = parsed.credentials(request::environment);
    try {
      return FileBackend.open(
          parsed.path(),
          credentials,
          (parsed.create()
                  ? FileBackend.Options.openOrCreate()
                  : FileBackend.Options.openExisting())
              .withTrustPermissions(parsed.trustPermissions()));
    } finally {
      credentials.wipe();
    }
  }
}
