package io.github.ec2metadata.proxycache.emulator;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * In dev mode ({@code ./mvnw quarkus:dev}) starts the IMDS emulator before the proxy's own start-up
 * work, so that the proxy has an IMDS to talk to on a laptop. Not part of production builds.
 */
@IfBuildProfile("dev")
@ApplicationScoped
public class DevEmulator {

    private static final Logger LOG = Logger.getLogger(DevEmulator.class);

    @ConfigProperty(name = "emulator.port", defaultValue = "1338")
    int port;

    private ImdsEmulator emulator;

    void start(@Observes @Priority(0) StartupEvent event) {
        emulator = ImdsEmulator.start(port);
        LOG.infof("IMDS emulator listening on %s (dev mode only)", emulator.baseUrl());
    }

    void stop(@Observes ShutdownEvent event) {
        if (emulator != null) {
            emulator.close();
        }
    }
}
