package io.eventpipe.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.eventpipe.testkit.Repo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's layout section lists exactly the build's modules, each where it says, and nothing that is gone. */
class LayoutTest {
    /** The paths the layout block of README.md names, each at the start of its line. */
    private static List<String> readmeLayout() throws Exception {
        String readme = Files.readString(Repo.path("README.md"));
        int section = readme.indexOf("\n## Layout\n");
        assertThat(section).as("README.md has a Layout section").isPositive();
        int start = readme.indexOf("```\n", section) + 4;
        int end = readme.indexOf("```", start);
        List<String> paths = new ArrayList<>();
        for (String line : readme.substring(start, end).split("\n")) {
            if (!line.isEmpty() && !line.startsWith(" ")) {
                paths.add(line.split(" ")[0]);
            }
        }
        return paths;
    }

    /** The modules of the parent pom, as directories with a trailing slash. */
    private static List<String> modules() throws Exception {
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(Repo.path("pom.xml")));
        List<String> modules = new ArrayList<>();
        while (m.find()) {
            modules.add(m.group(1) + "/");
        }
        return modules;
    }

    @Test
    void readmeLayoutNamesEveryModuleAndOnlyWhatExists() throws Exception {
        List<String> listed = readmeLayout();
        assertThat(listed).containsAll(modules());
        assertThat(listed)
                .filteredOn(p -> p.startsWith("jobs/"))
                .containsExactlyInAnyOrderElementsOf(
                        modules().stream().filter(p -> p.startsWith("jobs/")).toList());
        for (String p : listed) {
            assertThat(Repo.path(p)).as("README.md's layout names %s", p).exists();
        }
    }

    @Test
    void everyModuleUnderJobsSitsInTheFolderOfItsKind() throws Exception {
        // the jobs directly under jobs/; the job library, the tools and the test-only modules in a folder each
        for (String module :
                modules().stream().filter(p -> p.startsWith("jobs/")).toList()) {
            Path dir = Path.of(module);
            String kind = dir.getNameCount() == 2 ? "job" : dir.getName(1).toString();
            assertThat(kind).as(module).isIn("job", "library", "tools", "testing");
            if (kind.equals("job")) {
                assertThat(Files.readString(Repo.path(module + "pom.xml")))
                        .as(module)
                        .contains("<shadedClassifierName>job</shadedClassifierName>");
            }
        }
    }
}
