package io.github.ec2metadata.proxycache.support;

import io.github.ec2metadata.proxycache.emulator.ImdsEmulator;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts the IMDS emulator on a free port and points the proxy under test at it. */
public class EmulatorResource implements QuarkusTestResourceLifecycleManager {

    private ImdsEmulator emulator;

    @Override
    public Map<String, String> start() {
        emulator = ImdsEmulator.start(0);
        return Map.of("imds.upstream.url", emulator.baseUrl());
    }

    @Override
    public void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }
}
