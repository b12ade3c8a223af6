package io.eventpipe.cluster;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.CompositeTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedBackendSerializationProxy;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot;

/**
 * What a savepoint says about the type of a keyed state, read from its own metadata and state files with Flink's
 * classes: the serializer snapshot each subtask wrote for the state, compared with the POJO serializer of a class
 * from a given job jar. It shows which version of a state type the job that took the savepoint was running.
 */
final class SavepointTypes implements AutoCloseable {
    private final JarClassLoader jobClasses;

    /** Resolves eventpipe's classes from {@code jobJar} (not from the test's class path), everything else as usual. */
    SavepointTypes(Path jobJar) throws IOException {
        this.jobClasses = new JarClassLoader(jobJar.toUri().toURL(), SavepointTypes.class.getClassLoader());
    }

    Class<?> jobClass(String name) throws ClassNotFoundException {
        return jobClasses.loadClass(name);
    }

    /**
     * How {@code pojoClass} (of the job jar) relates to the type the savepoint at {@code savepoint} recorded for it in
     * the keyed state {@code stateName}, in every subtask that holds it: as-is when the savepoint was written with
     * this very class shape, after migration when written with an older one.
     */
    List<TypeSerializerSchemaCompatibility<?>> compatibility(URI savepoint, String stateName, Class<?> pojoClass)
            throws IOException {
        @SuppressWarnings({"unchecked", "rawtypes"})
        TypeSerializerSnapshot<Object> current = (TypeSerializerSnapshot) TypeInformation.of(pojoClass)
                .createSerializer(new SerializerConfigImpl())
                .snapshotConfiguration();
        List<TypeSerializerSchemaCompatibility<?>> out = new ArrayList<>();
        for (StateMetaInfoSnapshot state : states(savepoint)) {
            if (!state.getName().equals(stateName)) {
                continue;
            }
            for (TypeSerializerSnapshot<?> written :
                    state.getSerializerSnapshotsImmutable().values()) {
                PojoSerializerSnapshot<?> pojo = findPojo(written, pojoClass.getName());
                if (pojo != null) {
                    @SuppressWarnings({"unchecked", "rawtypes"})
                    TypeSerializerSnapshot<Object> old = (TypeSerializerSnapshot) pojo;
                    out.add(current.resolveSchemaCompatibility(old));
                }
            }
        }
        return out;
    }

    /** The meta information of every keyed state in every subtask of every operator of the savepoint. */
    private List<StateMetaInfoSnapshot> states(URI savepoint) throws IOException {
        Path dir = Path.of(savepoint);
        CheckpointMetadata metadata;
        try (DataInputStream in = new DataInputStream(Files.newInputStream(dir.resolve("_metadata")))) {
            metadata = Checkpoints.loadCheckpointMetadata(in, jobClasses, savepoint.toString());
        }
        List<StateMetaInfoSnapshot> out = new ArrayList<>();
        for (OperatorState operator : metadata.getOperatorStates()) {
            for (OperatorSubtaskState subtask : operator.getStates()) {
                for (KeyedStateHandle handle : subtask.getManagedKeyedState()) {
                    if (handle instanceof KeyGroupsStateHandle keyGroups) {
                        // a savepoint's keyed state stream begins with the backend's serialization proxy
                        try (FSDataInputStream in = keyGroups.openInputStream()) {
                            KeyedBackendSerializationProxy<?> proxy = new KeyedBackendSerializationProxy<>(jobClasses);
                            proxy.read(new DataInputViewStreamWrapper((InputStream) in));
                            out.addAll(proxy.getStateMetaInfoSnapshots());
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The POJO serializer snapshot of {@code className} inside {@code s}, looking through composite serializers. */
    private static PojoSerializerSnapshot<?> findPojo(TypeSerializerSnapshot<?> s, String className) {
        if (s instanceof PojoSerializerSnapshot<?> pojo
                && pojo.restoreSerializer()
                        .createInstance()
                        .getClass()
                        .getName()
                        .equals(className)) {
            return pojo;
        }
        if (s instanceof CompositeTypeSerializerSnapshot<?, ?> composite) {
            for (TypeSerializerSnapshot<?> nested : composite.getNestedSerializerSnapshots()) {
                PojoSerializerSnapshot<?> found = findPojo(nested, className);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        jobClasses.close();
    }

    /** Loads {@code io.eventpipe.*} from the jar first, so the jar's state types win over the test class path's. */
    private static final class JarClassLoader extends URLClassLoader {
        JarClassLoader(URL jar, ClassLoader parent) {
            super(new URL[] {jar}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.eventpipe.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }
}
