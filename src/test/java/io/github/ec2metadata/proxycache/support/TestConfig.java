package io.github.ec2metadata.proxycache.support;

import io.github.ec2metadata.proxycache.config.ProxyConfig;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
import java.util.Map;

/** A {@link ProxyConfig} made from given properties and the defaults, without Quarkus. */
public final class TestConfig {

    private TestConfig() {
    }

    public static ProxyConfig of(Map<String, String> properties) {
        return of(properties, Map.of());
    }

    /** Properties, then environment variables over them, as at run time. */
    public static ProxyConfig of(Map<String, String> properties, Map<String, String> environment) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ProxyConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 250))
                .withSources(new EnvConfigSource(environment, 300))
                .build();
        return config.getConfigMapping(ProxyConfig.class);
    }
}
