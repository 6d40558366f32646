package io.sluice.common.kafka;

import net.jpountz.lz4.LZ4Factory;
import net.jpountz.util.Native;

/**
 * Lets Kafka's lz4 compression use lz4-java's native (JNI) code inside an executable jar.
 *
 * <p>Kafka asks {@code LZ4Factory.fastestInstance()} for its compressor and decompressor. That
 * returns the native implementation only if lz4-java was loaded by the system class loader or its
 * library is already loaded; in a Spring Boot executable jar it is loaded by the jar's launcher, so
 * the apps silently got the pure-Java one, about six times slower at compressing a 21 KB request
 * (docs/benchmarks.md). Loading the library once, before the first producer or consumer is
 * created, makes every later {@code fastestInstance()} return the native one.
 *
 * <p>Blocking (it may extract the library to a temporary file): call it at startup.
 */
public final class NativeLz4 {

    private NativeLz4() {
    }

    /** What {@link #load()} found. */
    public record Outcome(boolean nativeCode, String description) {
    }

    /** Loads the native library if it can; otherwise Kafka keeps the pure-Java code, which works the same, slower. */
    public static Outcome load() {
        try {
            LZ4Factory.nativeInstance();
        } catch (LinkageError | RuntimeException e) {
            return new Outcome(false, "pure Java (the native library did not load: " + e + ")");
        }
        return inUse();
    }

    /**
     * Which implementation Kafka gets now from {@code LZ4Factory.fastestInstance()}. Never tries to
     * load the library itself, so it does no I/O and may be called from anywhere.
     */
    public static Outcome inUse() {
        try {
            boolean nativeCode = Native.isLoaded() && LZ4Factory.fastestInstance() == LZ4Factory.nativeInstance();
            return new Outcome(nativeCode, nativeCode ? "native (JNI)" : "pure Java");
        } catch (LinkageError | RuntimeException e) {
            return new Outcome(false, "pure Java");
        }
    }
}
