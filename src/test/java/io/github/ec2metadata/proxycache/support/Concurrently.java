package io.github.ec2metadata.proxycache.support;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs many clients at once, one thread each, and collects what each got. */
public final class Concurrently {

    private Concurrently() {
    }

    public static <T> List<T> runAll(List<Callable<T>> clients) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients.size());
        try {
            List<T> results = new ArrayList<>();
            for (Future<T> future : pool.invokeAll(clients)) {
                results.add(future.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
