package dev.strongroom.aws.internal;

import dev.strongroom.exception.AccessDeniedException;
import dev.strongroom.exception.BackendUnavailableException;
import dev.strongroom.exception.ConflictException;
import dev.strongroom.exception.NotFoundException;
import dev.strongroom.exception.StrongroomException;
import java.io.IOException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Maps AWS SDK failures to Strongroom exceptions. The SDK's messages carry the service's error
 * message, which is part of the response body (and a service may echo request input in it), so
 * neither our message nor the kept cause contains it: the cause is replaced by a {@link Sanitized}
 * exception holding only the error code, HTTP status, request id, the SDK exception's class and its
 * stack trace. Stateless; thread-safe.
 */
final class AwsErrors {
  private static final Set<String> NOT_FOUND =
      Set.of("ResourceNotFoundException", "NotFoundException");
  private static final Set<String> CONFLICT =
      Set.of("ResourceExistsException", "AlreadyExistsException", "PreconditionNotMetException");
  private static final Set<String> DENIED =
      Set.of(
          "AccessDeniedException",
          "AccessDenied",
          "UnrecognizedClientException",
          "InvalidSignatureException",
          "ExpiredTokenException",
          "IncompleteSignature",
          "DisabledException",
          "KMSInvalidStateException",
          "KeyUnavailableException");

  private AwsErrors() {}

  /**
   * The Strongroom exception for {@code e}, raised by {@code operation} (such as {@code "Secrets
   * Manager GetSecretValue"}) on {@code subject} (a secret or key name: not secret).
   */
  static StrongroomException map(String operation, String subject, SdkException e) {
    Sanitized cause = sanitize(e);
    String what = "AWS " + operation + " for '" + subject + "'";
    if (!(e instanceof AwsServiceException)) {
      return new BackendUnavailableException(
          what + " failed: the service could not be reached", cause);
    }
    AwsServiceException service = (AwsServiceException) e;
    String code = errorCode(service);
    String detail = " (" + code + ", HTTP " + service.statusCode() + ")";
    if (NOT_FOUND.contains(code)) {
      return new NotFoundException(what + ": not found" + detail, cause);
    }
    if (CONFLICT.contains(code)) {
      return new ConflictException(what + ": conflict" + detail, cause);
    }
    if (DENIED.contains(code) || service.statusCode() == 403) {
      return new AccessDeniedException(what + ": access denied" + detail, cause);
    }
    if (service.isThrottlingException()) {
      return new dev.strongroom.exception.BackendThrottledException(
          what + ": throttled" + detail, cause);
    }
    if (service.statusCode() >= 500) {
      return new BackendUnavailableException(what + ": service unavailable" + detail, cause);
    }
    return new StrongroomException(what + " failed" + detail, cause);
  }

  /** The service's error code, or {@code "Unknown"}. */
  static String errorCode(AwsServiceException e) {
    AwsErrorDetails details = e.awsErrorDetails();
    String code = details == null ? null : details.errorCode();
    return code == null ? "Unknown" : code;
  }

  /** A stand-in for an SDK exception that keeps no service message or response body. */
  static Sanitized sanitize(SdkException e) {
    StringBuilder message = new StringBuilder(e.getClass().getName());
    if (e instanceof AwsServiceException) {
      AwsServiceException service = (AwsServiceException) e;
      message
          .append(" [code=")
          .append(errorCode(service))
          .append(", status=")
          .append(service.statusCode())
          .append(", requestId=")
          .append(service.requestId())
          .append(']');
    }
    Sanitized sanitized = new Sanitized(message.toString(), ioCause(e));
    sanitized.setStackTrace(e.getStackTrace());
    return sanitized;
  }

  /** The I/O failure under a client-side SDK exception (connection refused, timeout), if any. */
  private static Throwable ioCause(Throwable e) {
    for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
      if (t instanceof IOException) {
        return t; // from the JDK's HTTP stack: host, port and reason, no response body
      }
    }
    return null;
  }

  /**
   * An AWS SDK failure reduced to what is safe to log. Immutable once thrown; thread-safe to share.
   */
  static final class Sanitized extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Sanitized(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
