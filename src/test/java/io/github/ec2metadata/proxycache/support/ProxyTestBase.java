package io.github.ec2metadata.proxycache.support;

import io.github.ec2metadata.proxycache.cache.MetadataCache;
import io.github.ec2metadata.proxycache.emulator.EmulatorControl;
import io.github.ec2metadata.proxycache.time.ProxyClock;
import io.github.ec2metadata.proxycache.token.TokenRequirement;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusMock;
import jakarta.inject.Inject;
import java.net.URL;
import java.util.function.BooleanSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every proxy test starts from: the emulator reset to a healthy instance, the proxy's
 * cache empty and its token requirement re-learned, and a clock that moves only when told.
 * All subclasses share one running application.
 */
@QuarkusTestResource(EmulatorResource.class)
public abstract class ProxyTestBase {

    @TestHTTPResource("/")
    protected URL proxyUrl;

    @ConfigProperty(name = "imds.upstream.url")
    String upstreamUrl;

    @Inject
    protected MetadataCache cache;

    @Inject
    protected TokenRequirement requirement;

    protected EmulatorControl emulator;
    protected Http proxy;
    protected Http imds;
    protected ManualClock clock;

    @BeforeEach
    void startFromAHealthyInstance() throws Exception {
        emulator = new EmulatorControl(upstreamUrl);
        emulator.reset();
        proxy = new Http(proxyUrl.toString());
        imds = new Http(upstreamUrl);
        clock = new ManualClock();
        QuarkusMock.installMockForType(clock, ProxyClock.class);
        requirement.probe().toCompletableFuture().get();
        // The reset made IMDS forget the proxy's own token: let the proxy replace it now, so
        // that tests count only their own upstream requests.
        proxy.get("/latest/meta-data/", Http.TOKEN, proxy.token(60));
        cache.forget(key -> true);
        emulator.resetCounters();
    }

    /** Waits (two seconds at most) until no upstream fetch is under way. */
    protected void awaitFetchesFinished() throws InterruptedException {
        eventually(() -> cache.fetchesInFlight() == 0, "fetches still under way");
    }

    /** Waits (two seconds at most) for something the proxy does in the background. */
    protected static void eventually(BooleanSupplier condition, String failure)
            throws InterruptedException {
        long giveUp = System.nanoTime() + 2_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - giveUp > 0) {
                throw new AssertionError(failure);
            }
            Thread.sleep(10);
        }
    }
}
