package io.tocsin.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class YamlDocumentTest {
    @Test
    void anUnclosedFlowSequenceIsASyntaxErrorWithItsPosition() {
        List<ConfigProblem> problems = new ArrayList<>();
        YamlDocument doc = YamlDocument.parse(new SourceFile("x.yaml", "organisation: [unclosed"), problems);
        assertThat(problems).as(String.valueOf(doc == null ? null : doc.root())).hasSize(1);
        assertThat(problems.get(0).format()).startsWith("x.yaml:1:").contains("(syntax): not valid YAML");
    }

    @Test
    void positionsPointAtKeysAndListItems() {
        List<ConfigProblem> problems = new ArrayList<>();
        YamlDocument doc = YamlDocument.parse(new SourceFile("x.yaml", "people:\n  - id: a\n    name: A\n  - id: b\n"), problems);
        assertThat(problems).isEmpty();
        assertThat(doc.positionOf(ConfigPath.ROOT.key("people").index(1).key("id"))).isEqualTo(new YamlDocument.Position(4, 5));
        assertThat(doc.positionOf(ConfigPath.ROOT.key("people").index(0).key("name"))).isEqualTo(new YamlDocument.Position(3, 5));
        assertThat(doc.positionOf(ConfigPath.ROOT.key("people").index(0).key("missing"))).isEqualTo(new YamlDocument.Position(2, 5));
    }
}
