package dev.flagrelay.engine.internal.query;

/** Compiles a rule's query text: JsonLogic when the trimmed text is a JSON object, else nikunjy. */
public final class Queries {

  private Queries() {}

  /** A compiled query, with the reason when the text could not be compiled (then never matches). */
  public record Compiled(Query query, String error) {

    /** Whether the text compiled; when false the query is {@link Query#NEVER}. */
    public boolean ok() {
      return error == null;
    }
  }

  /**
   * Compiles {@code text} once. Never throws: an empty or absent query is {@link Query#ALWAYS}, a
   * query that cannot be parsed is {@link Query#NEVER}.
   */
  public static Query compile(String text) {
    return compileOrError(text).query();
  }

  /** As {@link #compile}, also giving why a query could not be compiled. Never throws. */
  public static Compiled compileOrError(String text) {
    try {
      String trimmed = trim(text);
      if (trimmed.isEmpty()) {
        return new Compiled(Query.ALWAYS, null);
      }
      Compiled jsonLogic = JsonLogicCompiler.compileIfObject(trimmed);
      return jsonLogic != null ? jsonLogic : NikunjyParser.compile(trimmed);
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      return new Compiled(Query.NEVER, "query could not be compiled: " + e.getClass().getSimpleName());
    }
  }

  /** Splits on {@code \n}, strips the leading spaces of each line and joins with nothing. */
  static String trim(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    boolean lineStart = true;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        lineStart = true;
      } else if (!(lineStart && c == ' ')) {
        lineStart = false;
        out.append(c);
      }
    }
    return out.toString();
  }

  static Compiled failed(String reason) {
    return new Compiled(Query.NEVER, reason);
  }
}
