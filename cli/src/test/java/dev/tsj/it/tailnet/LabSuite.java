package dev.tsj.it.tailnet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A test class that builds one {@link Lab} for all its tests (in its {@code @BeforeAll})
 * and tears it down, processes first, namespaces last, when they are done.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LabSuite {
    Lab lab;

    @AfterAll
    void closeLab() {
        if (lab != null) {
            lab.close();
        }
    }
}
