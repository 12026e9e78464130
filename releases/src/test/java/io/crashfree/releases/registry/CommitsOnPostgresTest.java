package io.crashfree.releases.registry;

/** {@link CommitsTest} against the real PostgreSQL ({@code io.crashfree.releases.store.TestPostgres}). */
class CommitsOnPostgresTest extends CommitsTest
{
    @Override
    RegistryFixture.Backend backend()
    {
        return RegistryFixture.Backend.POSTGRESQL;
    }
}
