package dev.flagrelay.engine.internal.query;

/** Compiles a rule's query text: JsonLogic when the trimmed text is a JSON object, else nikunjy. */
public final class Queries {

  private Queries() {}

  /**
   * Compiles {@code text} once. Never throws: an empty or absent query is {@link Query#ALWAYS}, a
   * query that cannot be parsed is {@link Query#NEVER}.
   */
  public static Query compile(String text) {
    // Placeholder until the query languages land: an absent query matches, any other does not.
    return text == null || text.isEmpty() ? Query.ALWAYS : Query.NEVER;
  }
}
