package io.sluice.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;

class NativeLz4Test {

    /**
     * lz4-java and this class in a class loader of their own, as in an executable jar (where the
     * launcher, not the system class loader, loads them): Kafka's {@code fastestInstance()} is the
     * pure-Java code until {@link NativeLz4#load()} runs, and the native code after it.
     */
    @Test
    void loadingTheLibraryGivesKafkaTheNativeCodeOutsideTheSystemClassLoader() throws Exception {
        URL lz4 = LZ4Factory.class.getProtectionDomain().getCodeSource().getLocation();
        URL common = NativeLz4.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader launcher = new URLClassLoader(new URL[] {lz4, common}, ClassLoader.getPlatformClassLoader())) {
            Class<?> factory = launcher.loadClass(LZ4Factory.class.getName());
            Class<?> nativeLz4 = launcher.loadClass(NativeLz4.class.getName());
            assertThat(factory).isNotSameAs(LZ4Factory.class);

            Object before = factory.getMethod("fastestInstance").invoke(null);
            assertThat(before).hasToString("LZ4Factory:JavaSafe");
            assertThat(outcome(nativeLz4, "inUse")).isEqualTo("false pure Java");

            assertThat(outcome(nativeLz4, "load")).isEqualTo("true native (JNI)");

            Object after = factory.getMethod("fastestInstance").invoke(null);
            assertThat(after).isSameAs(factory.getMethod("nativeInstance").invoke(null)).hasToString("LZ4Factory:JNI");
            assertThat(outcome(nativeLz4, "inUse")).isEqualTo("true native (JNI)");
        }
    }

    @Test
    void inTheSystemClassLoaderTheNativeCodeIsUsedAnyway() {
        assertThat(NativeLz4.load().nativeCode()).isTrue();
        assertThat(LZ4Factory.fastestInstance()).isSameAs(LZ4Factory.nativeInstance());
        assertThat(NativeLz4.inUse()).isEqualTo(new NativeLz4.Outcome(true, "native (JNI)"));
    }

    private static String outcome(Class<?> nativeLz4, String method) throws Exception {
        Object o = nativeLz4.getMethod(method).invoke(null);
        return o.getClass().getMethod("nativeCode").invoke(o) + " " + o.getClass().getMethod("description").invoke(o);
    }
}
