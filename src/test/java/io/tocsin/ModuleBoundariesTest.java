package io.tocsin;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The module map of docs/architecture.md, enforced. */
class ModuleBoundariesTest {
    static final JavaClasses TOCSIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.tocsin");

    @Test
    void thePureCoreDoesNoIoAndKnowsNoFramework() {
        noClasses().that().resideInAnyPackage("io.tocsin.schedule..", "io.tocsin.engine..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "java.io..", "java.nio..",
                        "java.net..", "java.sql..", "javax.sql..", "tools.jackson..", "com.fasterxml..", "io.tocsin.store..",
                        "io.tocsin.config..", "io.tocsin.api..", "io.tocsin.cli..")
                .because("schedule and engine are pure functions of their inputs and an injected clock")
                .check(TOCSIN);
    }

    @Test
    void thePureCoreNeverReadsTheSystemClock() {
        noClasses().that().resideInAnyPackage("io.tocsin.schedule..", "io.tocsin.engine..")
                .should().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(java.lang.System.class, "currentTimeMillis")
                .orShould().callMethod(java.time.Clock.class, "systemUTC")
                .because("time comes from an injected clock so the simulator runs the same code (invariant 3)")
                .check(TOCSIN);
    }

    @Test
    void storeKnowsNothingAboveIt() {
        noClasses().that().resideInAPackage("io.tocsin.store..")
                .should().dependOnClassesThat().resideInAnyPackage("io.tocsin.config..", "io.tocsin.api..",
                        "io.tocsin.cli..", "io.tocsin.schedule..")
                .check(TOCSIN);
    }

    @Test
    void shellsAreNotDependedOnByModules() {
        noClasses().that().resideInAnyPackage("io.tocsin.config..", "io.tocsin.schedule..", "io.tocsin.store..")
                .should().dependOnClassesThat().resideInAnyPackage("io.tocsin.api..", "io.tocsin.cli..", "io.tocsin.web..")
                .check(TOCSIN);
        noClasses().that().resideInAPackage("io.tocsin.api..")
                .should().dependOnClassesThat().resideInAnyPackage("io.tocsin.cli..", "io.tocsin.web..")
                .check(TOCSIN);
        noClasses().that().resideOutsideOfPackage("io.tocsin.web..")
                .should().dependOnClassesThat().resideInAPackage("io.tocsin.web..")
                .because("the browser UI is a shell: nothing may need it")
                .check(TOCSIN);
    }

    @Test
    void theUiIsAThinShellOverTheModules() {
        noClasses().that().resideInAPackage("io.tocsin.web..")
                .should().dependOnClassesThat().resideInAnyPackage("io.tocsin.api..", "io.tocsin.cli..", "io.tocsin.ingest..",
                        "io.tocsin.notify..", "io.tocsin.simulation..", "io.tocsin.schedule..")
                .because("the UI acts through incident (the same engine path as the API and CLI) and reads config and store; "
                        + "it never goes through another shell")
                .check(TOCSIN);
    }

    @Test
    void modulesHaveNoCycles() {
        slices().matching("io.tocsin.(*)..").should().beFreeOfCycles().check(TOCSIN);
    }
}
