package io.crashfree.releases.registry;

/** {@link RepositoryRefsTest} against the real PostgreSQL ({@code io.crashfree.releases.store.TestPostgres}). */
class RepositoryRefsOnPostgresTest extends RepositoryRefsTest
{
    @Override
    RegistryFixture.Backend backend()
    {
        return RegistryFixture.Backend.POSTGRESQL;
    }
}
