package io.potok.storage.index;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;

/**
 * Releases a memory mapping eagerly instead of waiting for the garbage collector.
 *
 * <p>Without this, every rolled or deleted segment keeps its index mapping (up to {@code segment.index.bytes} of address
 * space and a file descriptor's worth of kernel state) until a GC happens to collect the buffer.
 *
 * <p>Invariant: a buffer passed to {@link #unmap} must never be touched again; callers guarantee this with their own
 * locking (see {@link AbstractIndex}). Thread-safe (stateless).
 */
final class BufferUnmapper {

    private static final Object UNSAFE;
    private static final Method INVOKE_CLEANER;

    static {
        Object unsafe = null;
        Method invokeCleaner = null;
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field field = unsafeClass.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            unsafe = field.get(null);
            invokeCleaner = unsafeClass.getMethod("invokeCleaner", ByteBuffer.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Not fatal: mappings are then released by the GC, which is only slower.
            unsafe = null;
            invokeCleaner = null;
        }
        UNSAFE = unsafe;
        INVOKE_CLEANER = invokeCleaner;
    }

    private BufferUnmapper() {
    }

    static void unmap(MappedByteBuffer buffer) {
        if (buffer == null || INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invoke(UNSAFE, buffer);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Could not unmap index buffer", e);
        }
    }
}
