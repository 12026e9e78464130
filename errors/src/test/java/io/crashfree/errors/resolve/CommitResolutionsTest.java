package io.crashfree.errors.resolve;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CommitResolutionsTest
{
    @Test
    void shouldFindEveryIssueAResolvingWordNames()
    {
        assertEquals(List.of("CRASHFREE-12"), List.copyOf(CommitResolutions.shortIds("Fix crash\n\nFixes CRASHFREE-12\n")));
        assertEquals(List.of("APP-1", "MY-APP-22", "WEB-3"), List.copyOf(CommitResolutions.shortIds(
            "fixed app-1, closes MY-APP-22 and Resolved: WEB-3")));
        for (final String word : List.of("fix", "fixes", "fixed", "close", "closes", "closed", "resolve", "resolves",
            "resolved"))
        {
            assertEquals(List.of("API-7"), List.copyOf(CommitResolutions.shortIds(word + " API-7")), word);
        }
    }

    @Test
    void shouldIgnoreMentionsWithoutAResolvingWord()
    {
        assertEquals(List.of(), List.copyOf(CommitResolutions.shortIds("see CRASHFREE-12, refs CRASHFREE-13")));
        assertEquals(List.of(), List.copyOf(CommitResolutions.shortIds("prefix CRASHFREE-12")));
        assertEquals(List.of(), List.copyOf(CommitResolutions.shortIds(null)));
    }
}
