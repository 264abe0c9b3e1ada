package io.github.ec2metadata.proxycache.cache;

import io.github.ec2metadata.proxycache.config.ProxyConfig;
import io.github.ec2metadata.proxycache.health.UpstreamHealth;
import io.github.ec2metadata.proxycache.token.TokenRequirement;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * At start, in the background: learns whether IMDS requires tokens, then fetches what SDK
 * clients ask for first (role credentials, instance id, region, identity document), so that
 * the first wave of clients finds it held. Nothing waits for it. Until IMDS has answered once
 * it asks again with growing pauses, so that readiness never waits on a first client.
 */
@ApplicationScoped
public class CacheWarmUp {

    static final String ROLES = "/latest/meta-data/iam/security-credentials/";

    static final List<String> INSTANCE_FACTS = List.of(
            "/latest/meta-data/instance-id",
            "/latest/meta-data/instance-type",
            "/latest/meta-data/ami-id",
            "/latest/meta-data/placement/region",
            "/latest/meta-data/placement/availability-zone",
            "/latest/dynamic/instance-identity/document");

    private static final Logger LOG = Logger.getLogger(CacheWarmUp.class);

    /** First and longest pause between start-up attempts while IMDS cannot be reached. */
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration LONGEST_RETRY = Duration.ofSeconds(10);

    private final MetadataCache cache;
    private final TokenRequirement requirement;
    private final UpstreamHealth health;
    private final Vertx vertx;
    private final boolean enabled;

    CacheWarmUp(MetadataCache cache, TokenRequirement requirement, UpstreamHealth health,
            Vertx vertx, ProxyConfig config) {
        this.cache = cache;
        this.requirement = requirement;
        this.health = health;
        this.vertx = vertx;
        this.enabled = config.cache().warmUp();
    }

    void start(@Observes @Priority(20) StartupEvent event) {
        attempt(FIRST_RETRY);
    }

    private void attempt(Duration nextPause) {
        requirement.probe().whenComplete((learned, failure) -> {
            if (!health.everReached()) {
                LOG.debugf("IMDS not reached yet; asking again in %d s", nextPause.toSeconds());
                Duration after = nextPause.multipliedBy(2);
                vertx.setTimer(nextPause.toMillis(), id -> attempt(
                        after.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : after));
            } else if (enabled) {
                warm().whenComplete((warmed, error) -> LOG.debug("start-up warm-up finished"));
            }
        });
    }

    /** Fetches credentials and instance facts for every delivery currently served. */
    public CompletionStage<Void> warm() {
        List<CompletableFuture<?>> reads = new ArrayList<>();
        for (Delivery delivery : Delivery.values()) {
            if (delivery == Delivery.TOKENLESS && !requirement.tokenlessAllowed()) {
                continue;
            }
            reads.add(warmCredentials(delivery).toCompletableFuture());
            for (String fact : INSTANCE_FACTS) {
                reads.add(cache.read(new CacheKey(delivery, fact)).toCompletableFuture());
            }
        }
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new));
    }

    private CompletionStage<Void> warmCredentials(Delivery delivery) {
        return cache.read(new CacheKey(delivery, ROLES)).thenCompose(served -> {
            if (served.answer().status() != 200) {
                return done();
            }
            List<CompletableFuture<?>> roles = new ArrayList<>();
            for (String role : served.answer().body().toString().split("\n")) {
                if (!role.isBlank() && !role.contains("/")) {
                    roles.add(cache.read(new CacheKey(delivery, ROLES + role.strip()))
                            .toCompletableFuture());
                }
            }
            return CompletableFuture.allOf(roles.toArray(CompletableFuture[]::new));
        });
    }

    private static CompletionStage<Void> done() {
        return CompletableFuture.completedFuture(null);
    }
}
