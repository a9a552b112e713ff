package dev.asyncgateway.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The layers of ARCHITECTURE.md: a package uses only the packages below it, so a job and a callback can be
 * followed from the API down without jumping back up. Reaching up is done the other way round: the lower layer
 * declares an interface or a CDI event, the upper one implements or observes it.
 */
class LayersTest {

    private static final String BASE = "dev.asyncgateway";

    private static JavaClasses gateway;

    @BeforeAll
    static void importMainClasses() {
        gateway = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(BASE);
    }

    @Test
    void eachLayerUsesOnlyTheLayersBelowIt() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("api").definedBy(BASE + ".api..")
                .layer("account").definedBy(BASE + ".account..")
                .layer("callback").definedBy(BASE + ".callback..")
                .layer("job").definedBy(BASE + ".job..")
                .layer("runner").definedBy(BASE + ".runner..")
                .layer("render").definedBy(BASE + ".render..")
                .layer("observability").definedBy(BASE + ".observability..")
                .layer("queue").definedBy(BASE + ".queue..")
                .layer("outbound").definedBy(BASE + ".outbound..")
                .layer("store").definedBy(BASE + ".store..")
                .layer("common").definedBy(BASE + ".common..")
                .layer("config").definedBy(BASE + ".config..")
                .whereLayer("api").mayNotBeAccessedByAnyLayer()
                .whereLayer("account").mayOnlyBeAccessedByLayers("api")
                .whereLayer("callback").mayOnlyBeAccessedByLayers("api", "account")
                .whereLayer("job").mayOnlyBeAccessedByLayers("api", "account", "callback")
                .whereLayer("runner").mayOnlyBeAccessedByLayers("api", "account", "callback", "job")
                .whereLayer("render").mayOnlyBeAccessedByLayers("api", "account", "callback", "job", "runner")
                .whereLayer("observability").mayOnlyBeAccessedByLayers("api", "account", "callback", "job", "runner", "render")
                .whereLayer("queue").mayOnlyBeAccessedByLayers("api", "account", "callback", "job", "runner",
                        "render", "observability")
                .whereLayer("outbound").mayOnlyBeAccessedByLayers("api", "account", "callback", "job", "runner",
                        "render", "observability", "queue")
                .whereLayer("store").mayOnlyBeAccessedByLayers("api", "account", "callback", "job", "runner",
                        "render", "observability", "queue", "outbound")
                .whereLayer("common").mayOnlyBeAccessedByLayers("api", "account", "callback", "job", "runner",
                        "render", "observability", "queue", "outbound", "store")
                .check(gateway);
    }

    @Test
    void noPackagesDependOnEachOtherInACircle() {
        slices().matching(BASE + ".(*)..").should().beFreeOfCycles().check(gateway);
    }
}
