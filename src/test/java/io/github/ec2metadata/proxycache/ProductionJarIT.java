package io.github.ec2metadata.proxycache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The packaged application carries the proxy and nothing of the dev and test emulator. */
class ProductionJarIT {

    @Test
    void productionJarHoldsNoEmulatorClass() throws Exception {
        Path app = Path.of("target/quarkus-app/app");
        List<Path> jars;
        try (Stream<Path> files = Files.list(app)) {
            jars = files.filter(path -> path.toString().endsWith(".jar")).toList();
        }
        assertEquals(1, jars.size(), "application jars: " + jars);
        try (JarFile jar = new JarFile(jars.get(0).toFile())) {
            List<String> emulator = jar.stream().map(entry -> entry.getName())
                    .filter(name -> name.contains("/proxycache/emulator/"))
                    .filter(name -> !name.endsWith("/"))
                    .toList();
            assertTrue(emulator.isEmpty(), "add these to quarkus.package.jar"
                    + ".user-configured-ignored-entries in application.properties: " + emulator);
            assertTrue(jar.getEntry("io/github/ec2metadata/proxycache/routes/MetadataRoutes.class")
                    != null, "the proxy itself is in the jar");
        }
    }
}
