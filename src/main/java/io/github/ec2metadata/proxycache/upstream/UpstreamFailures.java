package io.github.ec2metadata.proxycache.upstream;

import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/** Sorts the exceptions of the HTTP client into the failures the proxy reasons about. */
final class UpstreamFailures {

    private UpstreamFailures() {
    }

    static UpstreamFailure classify(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UpstreamFailure known) {
                return known;
            }
            if (cause instanceof ConnectTimeoutException || cause instanceof TimeoutException) {
                return new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, describe(cause));
            }
            if (cause instanceof ConnectException) {
                return new UpstreamFailure(UpstreamFailure.Kind.UNREACHABLE, describe(cause));
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return new UpstreamFailure(UpstreamFailure.Kind.UNREACHABLE, describe(failure));
    }

    /** Failures that may pass on a second try: resets, refusals and timeouts. */
    static boolean isTransient(Throwable failure) {
        return failure instanceof UpstreamFailure upstream
                && upstream.kind() != UpstreamFailure.Kind.QUEUE_FULL;
    }


    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : " " + message);
    }
}
