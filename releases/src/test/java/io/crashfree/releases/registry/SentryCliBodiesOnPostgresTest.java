package io.crashfree.releases.registry;

/** {@link SentryCliBodiesTest} against the real PostgreSQL ({@code io.crashfree.releases.store.TestPostgres}). */
class SentryCliBodiesOnPostgresTest extends SentryCliBodiesTest
{
    @Override
    RegistryFixture.Backend backend()
    {
        return RegistryFixture.Backend.POSTGRESQL;
    }
}
