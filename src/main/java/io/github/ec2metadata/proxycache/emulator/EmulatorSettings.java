package io.github.ec2metadata.proxycache.emulator;

/** The switches tests flip through the control API: token rules and injected IMDS faults. */
final class EmulatorSettings {

    private volatile boolean requireTokens;
    private volatile int tokenPutStatus;
    private volatile long latencyMillis;
    private volatile int throttleAbovePerSecond;
    private volatile boolean resetConnections;
    private volatile int failWithStatus;
    private volatile BodyFault bodyFault = BodyFault.NONE;
    private volatile int oversizedBodyBytes;

    private long throttleSecond;
    private int requestsThisSecond;

    synchronized void reset() {
        requireTokens = false;
        tokenPutStatus = 0;
        latencyMillis = 0;
        throttleAbovePerSecond = 0;
        resetConnections = false;
        failWithStatus = 0;
        bodyFault = BodyFault.NONE;
        oversizedBodyBytes = 0;
        requestsThisSecond = 0;
    }

    /**
     * Counts one IMDS request in the current wall-clock second and tells whether it goes over
     * the throttle limit. Requests are counted even with throttling off, so switching it on
     * mid-second sees the real rate.
     */
    synchronized boolean throttled() {
        long second = System.currentTimeMillis() / 1000;
        if (second != throttleSecond) {
            throttleSecond = second;
            requestsThisSecond = 0;
        }
        requestsThisSecond++;
        int limit = throttleAbovePerSecond;
        return limit > 0 && requestsThisSecond > limit;
    }

    boolean requireTokens() {
        return requireTokens;
    }

    void requireTokens(boolean required) {
        requireTokens = required;
    }

    int tokenPutStatus() {
        return tokenPutStatus;
    }

    void tokenPutStatus(int status) {
        tokenPutStatus = checkStatus("tokenPutStatus", status);
    }

    long latencyMillis() {
        return latencyMillis;
    }

    void latencyMillis(long millis) {
        latencyMillis = checkNotNegative("latencyMillis", millis);
    }

    void throttleAbovePerSecond(int limit) {
        throttleAbovePerSecond = (int) checkNotNegative("throttleAbovePerSecond", limit);
    }

    boolean resetConnections() {
        return resetConnections;
    }

    void resetConnections(boolean reset) {
        resetConnections = reset;
    }

    int failWithStatus() {
        return failWithStatus;
    }

    void failWithStatus(int status) {
        failWithStatus = checkStatus("failWithStatus", status);
    }

    BodyFault bodyFault() {
        return bodyFault;
    }

    void bodyFault(BodyFault fault) {
        bodyFault = fault;
    }

    /** 0 for real bodies; otherwise every GET answer carries a body of this many bytes. */
    int oversizedBodyBytes() {
        return oversizedBodyBytes;
    }

    void oversizedBodyBytes(int bytes) {
        oversizedBodyBytes = (int) checkNotNegative("oversizedBodyBytes", bytes);
    }

    static int checkStatus(String name, int status) {
        if (status != 0 && (status < 100 || status > 599)) {
            throw new IllegalArgumentException(name + " must be 0 or an HTTP status: " + status);
        }
        return status;
    }

    static long checkNotNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative: " + value);
        }
        return value;
    }
}
