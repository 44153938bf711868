package io.tocsin.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tocsin.testing.FuzzContract;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Configuration text through the whole validate-and-compile path ({@link ConfigLoader#loadSources},
 * as {@code PUT /api/v1/config}, {@code tocsin validate} and {@code simulate --config} run it): an
 * organisation, or problems each naming file, line and path — never an exception. An input is one
 * or more files, each begun by a line {@code #@file name.yaml} (a YAML comment; without one the
 * whole input is organisation.yaml), as in the seeds made of examples/* under
 * io/tocsin/config/ConfigFuzzTestInputs/.
 */
class ConfigFuzzTest {
    private static final String MARK = "#@file ";

    @FuzzTest
    void configuration(byte[] input) {
        List<SourceFile> files = files(new String(input, StandardCharsets.UTF_8));
        LoadedConfig loaded = ConfigLoader.loadSources(files);
        if (loaded.isValid()) {
            assertThat(loaded.organisation()).isPresent();
            assertThat(loaded.problems()).isEmpty();
            return;
        }
        assertThat(loaded.problems()).isNotEmpty();
        for (ConfigProblem p : loaded.problems()) {
            FuzzContract.namesField(p.path(), p.message(), new String(input, StandardCharsets.UTF_8));
            assertThat(p.file()).isNotBlank();
            assertThat(p.line()).isPositive();
            assertThat(p.column()).isPositive();
        }
    }

    static List<SourceFile> files(String text) {
        List<SourceFile> files = new ArrayList<>();
        if (!text.startsWith(MARK)) {
            files.add(new SourceFile("organisation.yaml", ""));
        }
        for (String line : text.split("(?<=\n)")) {
            if (line.startsWith(MARK)) {
                // a name as the API takes one; the names are not what this test is about
                String name = line.substring(MARK.length()).strip();
                files.add(new SourceFile(name.matches("[A-Za-z0-9_-]{1,40}\\.ya?ml") ? name : "file" + files.size() + ".yaml", ""));
            } else {
                SourceFile last = files.remove(files.size() - 1);
                files.add(new SourceFile(last.name(), last.text() + line));
            }
        }
        return files;
    }
}
