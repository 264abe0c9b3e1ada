package io.github.ec2metadata.proxycache.upstream;

/** IMDS could not be asked, or gave no complete answer; never cached. */
public final class UpstreamFailure extends RuntimeException {

    /** What went wrong, which decides the status a client gets when nothing stale can stand in. */
    public enum Kind {
        /** The connection was refused or reset, or the answer was cut short or too large. */
        UNREACHABLE(502, "IMDS could not be reached"),
        /** No complete answer within the time allowed. */
        TIMEOUT(504, "IMDS did not answer in time"),
        /** Too many requests were already waiting for an upstream connection. */
        QUEUE_FULL(503, "too many requests are waiting for IMDS");

        private final int status;
        private final String message;

        Kind(int status, String message) {
            this.status = status;
            this.message = message;
        }

        public int status() {
            return status;
        }

        /** The value of the metrics tag: {@code unreachable}, {@code timeout}, ... */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public String message() {
            return message;
        }
    }

    private final Kind kind;

    public UpstreamFailure(Kind kind, String detail) {
        super(kind.message + ": " + detail, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /**
     * Whether IMDS answered "not now" rather than "no": throttling (429) and server errors.
     * Such answers are retried, never cached, and count as IMDS failing.
     */
    public static boolean isTransientStatus(int status) {
        return status == 429 || status >= 500;
    }
}
