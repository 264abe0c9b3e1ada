package io.github.ec2metadata.proxycache.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UpstreamHealthTest {

    private final List<LogRecord> records = new ArrayList<>();
    private final Logger logger = Logger.getLogger(UpstreamHealth.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLogs() {
        logger.addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        logger.removeHandler(capture);
    }

    @Test
    void oneWarningWhenIMDSStartsFailingAndOneInfoWhenItIsBack() {
        UpstreamHealth health = new UpstreamHealth();
        health.answered(200);

        for (int i = 0; i < 50; i++) {
            health.failed(new IllegalStateException("reset"));
            health.answered(429);
        }
        assertTrue(health.failing());
        for (int i = 0; i < 50; i++) {
            health.answered(200);
        }

        assertFalse(health.failing());
        assertEquals(1, count(Level.WARNING));
        assertEquals(1, count(Level.INFO));
    }

    @Test
    void notReachedUntilIMDSAnswers() {
        UpstreamHealth health = new UpstreamHealth();
        health.failed(new IllegalStateException("refused"));

        assertFalse(health.everReached());
        health.answered(404);
        assertTrue(health.everReached());
    }

    private long count(Level level) {
        return records.stream()
                .filter(record -> record.getLevel().intValue() == level.intValue()).count();
    }
}
