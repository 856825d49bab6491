package dev.jobledger.lambda;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The function is a small jar with a fast cold start: it speaks the message contract and HTTP, and carries neither
 * Spring nor Axon nor any part of the service.
 */
class DependenciesTest {

    @Test
    void theFunctionDependsOnTheMessageContractAloneOfTheLedger() {
        JavaClasses function = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.jobledger.lambda");

        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.springframework..",
                        "org.axonframework..",
                        "dev.jobledger.command..",
                        "dev.jobledger.query..",
                        "dev.jobledger.app..")
                .check(function);
    }
}
