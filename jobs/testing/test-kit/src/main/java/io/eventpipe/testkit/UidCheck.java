package io.eventpipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;

/**
 * Savepoint safety: every operator of a job has an explicit uid, taken from the job's constants class, and every
 * constant is used. Flink itself refuses a graph without uids when {@code pipeline.auto-generate-uids} is false; this
 * also catches a uid typed in place instead of taken from the constants, and a constant left unused.
 */
public final class UidCheck {
    private UidCheck() {}

    public static void assertUidsFrom(StreamGraph graph, Class<?> uidsClass) throws IllegalAccessException {
        List<String> constants = constants(uidsClass);
        List<String> used = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            String uid = node.getTransformationUID();
            assertThat(uid).as("uid of operator '%s'", node.getOperatorName()).isNotNull();
            // a sink's committer derives its uid from the writer's: "Sink Committer: <uid>"
            assertThat(constants)
                    .as("uid '%s' of operator '%s'", uid, node.getOperatorName())
                    .anyMatch(c -> uid.equals(c) || uid.equals("Sink Committer: " + c));
            used.add(uid);
        }
        assertThat(constants)
                .allSatisfy(
                        c -> assertThat(used).as("operators using uid %s", c).contains(c));
    }

    /**
     * Every operator's name comes from the job's names class (as Flink shows it: a source as "Source: name", a
     * sink as "name: Writer" and "name: Committer"), and every constant is used.
     */
    public static void assertNamesFrom(StreamGraph graph, Class<?> namesClass) throws IllegalAccessException {
        List<String> constants = constants(namesClass);
        List<String> used = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            String name = node.getOperatorName();
            String constant = constants.stream()
                    .filter(c -> name.equals(c)
                            || name.equals("Source: " + c)
                            || name.equals(c + ": Writer")
                            || name.equals(c + ": Committer"))
                    .findFirst()
                    .orElse(null);
            assertThat(constant)
                    .as("operator name '%s' from %s", name, namesClass.getSimpleName())
                    .isNotNull();
            used.add(constant);
        }
        assertThat(constants)
                .allSatisfy(c -> assertThat(used).as("operators named %s", c).contains(c));
    }

    /** The operators' names in graph order. */
    public static List<String> names(StreamGraph graph) {
        return graph.getStreamNodes().stream()
                .sorted(java.util.Comparator.comparingInt(StreamNode::getId))
                .map(StreamNode::getOperatorName)
                .toList();
    }

    private static List<String> constants(Class<?> holder) throws IllegalAccessException {
        List<String> constants = new ArrayList<>();
        for (Field f : holder.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                constants.add((String) f.get(null));
            }
        }
        assertThat(constants).doesNotHaveDuplicates();
        return constants;
    }
}
