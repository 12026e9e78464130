package io.crashfree.bench;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.URL;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * This module's test classpath has exactly one SLF4J binding, slf4j-simple (the parent pom pins it): none would make
 * SLF4J print its "no binding" warnings and drop every log line (Chronicle's warnings with them), two a warning too.
 */
class Slf4jBindingTest
{
    @Test
    void shouldHaveExactlyOneBindingSlf4jSimple() throws Exception
    {
        final List<URL> bindings = Collections.list(
            getClass().getClassLoader().getResources("org/slf4j/impl/StaticLoggerBinder.class"));
        assertEquals(1, bindings.size(), "SLF4J bindings: " + bindings);
        assertEquals("org.slf4j.impl.SimpleLoggerFactory", LoggerFactory.getILoggerFactory().getClass().getName());
    }
}
