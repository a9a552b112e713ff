package dev.asyncgateway.testsupport;

import io.quarkus.test.common.QuarkusTestResource;

/** Registers {@link TestDatabase} for every {@code @QuarkusTest} in the suite. */
@QuarkusTestResource(TestDatabase.class)
public final class TestDatabaseResource {

    private TestDatabaseResource() {
    }
}
