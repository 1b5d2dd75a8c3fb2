package dev.strongroom.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.SecretValue;
import dev.strongroom.Strongroom;
import dev.strongroom.audit.AuditEvent;
import dev.strongroom.audit.AuditSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The audit principal is the caller ARN STS reports for the room's credentials (issue 12), checked
 * against boto3's own {@code sts.get_caller_identity()} on moto.
 */
class AwsIdentityIT {
  @Test
  void auditPrincipal_isTheCallerArn_asBoto3SeesIt() {
    String arn =
        Boto3.text(
                "sts = boto3.client('sts', endpoint_url=os.environ['STRONGROOM_AWS_ENDPOINT'],"
                    + " region_name=os.environ.get('AWS_REGION', 'us-east-1'))\n"
                    + "out.write(sts.get_caller_identity()['Arn'].encode())\n")
            .strip();
    assertTrue(arn.startsWith("arn:aws:"), arn);

    List<AuditEvent> events = new CopyOnWriteArrayList<>();
    AuditSink sink =
        new AuditSink() {
          @Override
          public void record(AuditEvent event) {
            events.add(event);
          }

          @Override
          public void close() {}
        };
    try (Strongroom room =
        Strongroom.builder()
            .backend(MotoServers.open(MotoServers.namespace()))
            .audit(sink)
            .executor(Runnable::run)
            .build()) {
      room.put("db/password", SecretValue.ofUtf8("v"));
      room.secret("db/password").wipe();
    }
    assertTrue(events.size() >= 2, events.toString());
    for (AuditEvent e : events) {
      assertEquals("aws:" + arn, e.principal(), e.toString()); // no claimed name: anonymous
    }
  }
}
