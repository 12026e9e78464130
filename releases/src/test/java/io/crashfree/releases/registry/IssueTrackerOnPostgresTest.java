package io.crashfree.releases.registry;

/** {@link IssueTrackerTest} against the real PostgreSQL ({@code io.crashfree.releases.store.TestPostgres}). */
class IssueTrackerOnPostgresTest extends IssueTrackerTest
{
    @Override
    RegistryFixture.Backend backend()
    {
        return RegistryFixture.Backend.POSTGRESQL;
    }
}
