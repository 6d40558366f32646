package io.sluice.bench.harness;

import io.sluice.embedded.KraftBroker;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The benchmark's Kafka broker in its own JVM: {@code KafkaMain <dataDir> <port> <controllerPort>}.
 * Prints {@link #READY} once it accepts clients; stops on SIGTERM.
 */
public final class KafkaMain {

    static final String READY = "SLUICE-BENCH-KAFKA-READY";

    private KafkaMain() {
    }

    public static void main(String[] args) throws Exception {
        KraftBroker broker = KraftBroker.start(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "kafka-stop"));
        System.out.println(READY + " " + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }
}
