package dev.jobledger.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module boundaries docs/architecture.md describes, as the compiled classes have them. */
class ModuleBoundariesTest {

    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.jobledger");
    }

    @Test
    void theMessageContractIsPlainJavaThatAnyPartCanSpeak() {
        classes()
                .that()
                .resideInAPackage("dev.jobledger.messages..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "dev.jobledger.messages..")
                .check(production);
    }

    @Test
    void theQuerySideReadsNothingTheCommandSideWritesExceptTheEventStore() {
        noClasses()
                .that()
                .resideInAPackage("dev.jobledger.query..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.jobledger.command..", "dev.jobledger.app..")
                .check(production);
    }

    @Test
    void theCommandSideAsksTheQuerySideOnlyThroughQueryMessages() {
        noClasses()
                .that()
                .resideInAPackage("dev.jobledger.command..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.jobledger.query..", "dev.jobledger.app..")
                .check(production);
    }
}
