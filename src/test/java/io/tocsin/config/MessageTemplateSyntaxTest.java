package io.tocsin.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MessageTemplateSyntaxTest {
    @Test
    void documentedVariablesAndSectionsOverDetailsAreAccepted() {
        assertThat(MessageTemplateSyntax.check("page", "[{{severity}}] {{service}}: {{{summary}}} {{&reason}} ({{incident}}) {{number}}a"
                + "{{! a comment }}{{#details}}{{key}}={{value}}{{^-last}}, {{/-last}}{{/details}}{{^details}}none{{/details}}")).isEmpty();
        assertThat(MessageTemplateSyntax.check("test", "Test for {{person}} via {{contact_method}}")).isEmpty();
        assertThat(MessageTemplateSyntax.check("page", "{{#links}}{{text}}: {{href}} ({{summary}}){{/links}}")).isEmpty();
    }

    @Test
    void aLinksVariableOutsideItsSectionOrAnotherSectionsVariableInsideItIsNamed() {
        assertThat(MessageTemplateSyntax.check("page", "{{href}}").get(0).message()).contains("exists only inside {{#links}}");
        assertThat(MessageTemplateSyntax.check("page", "{{#links}}{{key}}{{/links}}").get(0).message())
                .contains("exists only inside {{#details}}");
        assertThat(MessageTemplateSyntax.check("page", "{{#links}}{{hrf}}{{/links}}").get(0).message())
                .isEqualTo("unknown variable \"hrf\" (did you mean \"href\"?)");
        assertThat(MessageTemplateSyntax.check("test", "{{#links}}{{/links}}").get(0).message()).startsWith("unknown variable \"links\"");
    }

    @Test
    void unknownVariablesAreReportedAtTheirLineAndColumnWithASuggestion() {
        var problems = MessageTemplateSyntax.check("page", "Incident {{incident}}\n  {{sevrity}} on {{servce}}");
        assertThat(problems).extracting(MessageTemplateSyntax.Problem::line).containsExactly(2, 2);
        assertThat(problems).extracting(MessageTemplateSyntax.Problem::column).containsExactly(3, 18);
        assertThat(problems.get(0).message()).isEqualTo("unknown variable \"sevrity\" (did you mean \"severity\"?)");
        assertThat(problems.get(1).message()).isEqualTo("unknown variable \"servce\" (did you mean \"service\"?)");
        assertThat(MessageTemplateSyntax.check("test", "{{summary}}").get(0).message()).startsWith("unknown variable \"summary\"");
        assertThat(MessageTemplateSyntax.check("page", "{{key}}").get(0).message()).contains("exists only inside {{#details}}");
        assertThat(MessageTemplateSyntax.check("page", "{{summary.length}}").get(0).message()).startsWith("unknown variable \"summary.length\"");
    }

    @Test
    void brokenTemplatesPartialsAndDelimiterChangesAreErrors() {
        assertThat(MessageTemplateSyntax.check("page", "a\n{{#details}}{{key}}").get(0))
                .isEqualTo(new MessageTemplateSyntax.Problem(2, 1, "section \"details\" is never closed (add {{/details}})"));
        assertThat(MessageTemplateSyntax.check("page", "{{/details}}").get(0).message()).contains("never opened");
        assertThat(MessageTemplateSyntax.check("page", "{{#details}}{{/summary}}{{/details}}").get(0).message()).contains("closes section \"details\"");
        assertThat(MessageTemplateSyntax.check("page", "x {{summary").get(0)).isEqualTo(new MessageTemplateSyntax.Problem(1, 3, "tag is never closed with }}"));
        assertThat(MessageTemplateSyntax.check("page", "{{> footer}}").get(0).message()).contains("cannot include");
        assertThat(MessageTemplateSyntax.check("page", "{{=<% %>=}}").get(0).message()).contains("delimiters");
        assertThat(MessageTemplateSyntax.check("page", "{{{summary}}").get(0).message()).contains("triple");
    }
}
