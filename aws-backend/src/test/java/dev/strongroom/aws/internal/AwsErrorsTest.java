package dev.strongroom.aws.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

class AwsErrorsTest {
  private static final String BODY = "response body echoing CANARY-123";

  private static AwsServiceException service(String code, int status) {
    return AwsServiceException.builder()
        .message(BODY)
        .statusCode(status)
        .requestId("req-1")
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(BODY).build())
        .build();
  }

  private static String chain(Throwable t) {
    StringBuilder out = new StringBuilder();
    for (Throwable e = t; e != null; e = e.getCause()) {
      out.append(e).append('\n');
    }
    return out.toString();
  }

  @Test
  void map_serviceErrors_byCode() {
    assertInstanceOf(
        NotFoundException.class,
        AwsErrors.map("op", "s", service("ResourceNotFoundException", 400)));
    assertInstanceOf(
        ConflictException.class, AwsErrors.map("op", "s", service("ResourceExistsException", 400)));
    assertInstanceOf(
        AccessDeniedException.class, AwsErrors.map("op", "s", service("DisabledException", 400)));
    assertInstanceOf(AccessDeniedException.class, AwsErrors.map("op", "s", service("X", 403)));
    assertInstanceOf(
        BackendUnavailableException.class,
        AwsErrors.map("op", "s", service("ThrottlingException", 400)));
    assertInstanceOf(
        dev.strongroom.exception.BackendThrottledException.class,
        AwsErrors.map("op", "s", service("ThrottlingException", 400)));
    assertInstanceOf(
        BackendUnavailableException.class, AwsErrors.map("op", "s", service("Internal", 500)));
    assertInstanceOf(
        StrongroomException.class, AwsErrors.map("op", "s", service("ValidationException", 400)));
  }

  @Test
  void map_serviceError_dropsResponseBodyFromMessageAndCauses() {
    StrongroomException e = AwsErrors.map("op", "s", service("ResourceNotFoundException", 400));
    String text = chain(e);
    assertFalse(text.contains("CANARY-123"), text);
    assertTrue(text.contains("ResourceNotFoundException"), text);
    assertTrue(text.contains("req-1"), text);
    assertTrue(e.getCause().getStackTrace().length > 0);
  }

  @Test
  void map_clientError_isUnavailableAndKeepsTheIoCause() {
    SdkClientException client =
        SdkClientException.builder()
            .message("Unable to execute HTTP request: " + BODY)
            .cause(new ConnectException("Connection refused"))
            .build();
    StrongroomException e = AwsErrors.map("op", "s", client);
    assertInstanceOf(BackendUnavailableException.class, e);
    String text = chain(e);
    assertFalse(text.contains("CANARY-123"), text);
    assertTrue(text.contains("Connection refused"), text);
  }
}
