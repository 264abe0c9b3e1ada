package io.github.ec2metadata.proxycache.health;

import io.github.ec2metadata.proxycache.upstream.UpstreamFailure;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * What the proxy last learned about IMDS: whether it was ever reached and whether it is failing
 * now. Logs one WARN when IMDS starts failing and one INFO when it answers again.
 */
@ApplicationScoped
public class UpstreamHealth {

    private static final Logger LOG = Logger.getLogger(UpstreamHealth.class);

    private final AtomicBoolean everReached = new AtomicBoolean();
    private final AtomicBoolean failing = new AtomicBoolean();

    /** IMDS gave an answer; throttling (429) and server errors (5xx) count as failing. */
    public void answered(int status) {
        everReached.set(true);
        if (UpstreamFailure.isTransientStatus(status)) {
            startFailing("it answers " + status);
        } else if (failing.compareAndSet(true, false)) {
            LOG.info("IMDS answers again");
        }
    }

    /** IMDS could not be asked or gave no complete answer. */
    public void failed(Throwable failure) {
        startFailing(failure.getMessage());
    }

    private void startFailing(String why) {
        if (failing.compareAndSet(false, true)) {
            LOG.warnf("IMDS is failing (%s); serving stale answers where rules allow", why);
        }
    }

    public boolean everReached() {
        return everReached.get();
    }

    public boolean failing() {
        return failing.get();
    }
}
