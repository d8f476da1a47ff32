package dev.flagrelay.engine.internal.query;

import dev.flagrelay.engine.internal.query.NikunjyNode.Chain;
import dev.flagrelay.engine.internal.query.NikunjyNode.Comparison;
import dev.flagrelay.engine.internal.query.NikunjyNode.Not;
import dev.flagrelay.engine.internal.query.NikunjyNode.Path;
import dev.flagrelay.engine.internal.query.NikunjyNode.Test;
import dev.flagrelay.engine.internal.query.NikunjyTests.Op;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Recursive-descent parser of the nikunjy rule language, as the engine reads it: text after a
 * complete query is ignored, a missing closing parenthesis at the end is tolerated, exactly one
 * space separates an attribute from its operator, and {@code and}/{@code or} are lower-case,
 * preceded by exactly one space, of equal precedence and left-associative.
 */
final class NikunjyParser {

  static final int MAX_DEPTH = 200;

  private static final String[][] OPERATORS = {
    {">=", "GE"}, {"<=", "LE"}, {"==", "EQ"}, {"!=", "NE"}, {">", "GT"}, {"<", "LT"},
    {"eq", "EQ"}, {"ne", "NE"}, {"gt", "GT"}, {"lt", "LT"}, {"ge", "GE"}, {"le", "LE"},
    {"co", "CO"}, {"sw", "SW"}, {"ew", "EW"}, {"in", "IN"},
    {"EQ", "EQ"}, {"NE", "NE"}, {"GT", "GT"}, {"LT", "LT"}, {"GE", "GE"}, {"LE", "LE"},
    {"CO", "CO"}, {"SW", "SW"}, {"EW", "EW"}, {"IN", "IN"},
  };

  private final String text;
  private int pos;
  private int depth;

  private NikunjyParser(String text) {
    this.text = text;
  }

  static Queries.Compiled compile(String text) {
    try {
      NikunjyNode root = new NikunjyParser(text).query();
      return new Queries.Compiled(new NikunjyQuery(root), null);
    } catch (ParseError e) {
      return Queries.failed(e.getMessage());
    }
  }

  /** A compiled nikunjy query. */
  private record NikunjyQuery(NikunjyNode root) implements Query {
    @Override
    public boolean matches(Map<String, Object> context) {
      try {
        NikunjyNode.Scan scan = new NikunjyNode.Scan();
        boolean matched = root.eval(context, scan);
        return matched && !scan.failed;
      } catch (RuntimeException e) {
        return false;
      }
    }
  }

  private NikunjyNode query() {
    enter();
    NikunjyNode first = term();
    List<NikunjyNode> rest = new ArrayList<>();
    List<Boolean> ands = new ArrayList<>();
    for (Boolean isAnd = connective(); isAnd != null; isAnd = connective()) {
      ands.add(isAnd);
      rest.add(term());
    }
    depth--;
    if (rest.isEmpty()) {
      return first;
    }
    boolean[] isAnd = new boolean[ands.size()];
    for (int i = 0; i < isAnd.length; i++) {
      isAnd[i] = ands.get(i);
    }
    return new Chain(first, isAnd, rest.toArray(NikunjyNode[]::new));
  }

  /** {@code " and"} or {@code " or"} followed by a space or a parenthesis; else null (text ignored). */
  private Boolean connective() {
    for (String word : new String[] {" and", " or"}) {
      int end = pos + word.length();
      if (text.startsWith(word, pos) && (end == text.length() || text.charAt(end) == ' ' || text.charAt(end) == '(')) {
        pos = end;
        skipSpaces();
        return word.equals(" and");
      }
    }
    return null;
  }

  private NikunjyNode term() {
    enter();
    NikunjyNode term;
    if (keyword("not") || keyword("NOT")) {
      term = negation();
    } else if (peek() == '(') {
      term = group();
    } else {
      term = comparison();
    }
    depth--;
    return term;
  }

  /** {@code not (q)} negates the group; {@code not q} negates everything that follows. */
  private NikunjyNode negation() {
    pos += 3;
    int afterWord = pos;
    skipSpaces();
    if (peek() == '(') {
      return new Not(group());
    }
    if (pos == afterWord) {
      throw error("expected a space or '(' after not");
    }
    return new Not(query());
  }

  private NikunjyNode group() {
    pos++;
    skipSpaces();
    NikunjyNode inner = query();
    skipSpaces();
    if (peek() == ')') {
      pos++;
    } else if (pos < text.length()) {
      throw error("expected ')'");
    }
    return inner;
  }

  private NikunjyNode comparison() {
    Path path = path();
    if (peek() != ' ') {
      throw error("expected one space after the attribute " + path);
    }
    pos++;
    if (text.startsWith("pr", pos) && !isNameChar(charAt(pos + 2))) {
      pos += 2;
      return new Comparison(path, NikunjyTests.PRESENT);
    }
    Op op = operator();
    if (peek() != ' ') {
      throw error("expected a space after the operator");
    }
    skipSpaces();
    return new Comparison(path, value(op));
  }

  private Path path() {
    List<String> segments = new ArrayList<>();
    do {
      int start = pos;
      if (!isLetter(peek())) {
        throw error("expected an attribute name");
      }
      while (isNameChar(peek())) {
        pos++;
      }
      segments.add(text.substring(start, pos));
    } while (peek() == '.' && isLetter(charAt(pos + 1)) && pos++ >= 0);
    if (peek() == '.') {
      throw error("malformed attribute path");
    }
    return new Path(segments.toArray(String[]::new));
  }

  private Op operator() {
    for (String[] candidate : OPERATORS) {
      if (text.startsWith(candidate[0], pos)) {
        pos += candidate[0].length();
        return Op.valueOf(candidate[1]);
      }
    }
    throw error("unknown operator");
  }

  private Test value(Op op) {
    char c = peek();
    if (c == '"') {
      return NikunjyTests.string(op, string());
    }
    if (c == '[') {
      return list(op);
    }
    if (keyword("true") || keyword("false")) {
      boolean value = text.startsWith("true", pos);
      pos += value ? 4 : 5;
      return NikunjyTests.bool(op, value);
    }
    if (keyword("null")) {
      pos += 4;
      return NikunjyTests.nullLiteral(op);
    }
    if (isDigit(c) || c == '-' || c == '+') {
      return numberOrVersion(op);
    }
    throw error("expected a value");
  }

  /** The raw text between double quotes: escapes keep the quote open but are not decoded. */
  private String string() {
    int start = ++pos;
    while (pos < text.length() && text.charAt(pos) != '"') {
      pos += text.charAt(pos) == '\\' ? 2 : 1;
    }
    if (pos >= text.length()) {
      throw error("unterminated string");
    }
    return text.substring(start, pos++);
  }

  private Test numberOrVersion(Op op) {
    String version = version();
    if (version != null) {
      return op == Op.IN ? NikunjyTests.NEVER : NikunjyTests.semver(op, version);
    }
    Object number = number();
    if (op == Op.IN) {
      return NikunjyTests.NEVER;
    }
    if (number instanceof Long l) {
      return NikunjyTests.integer(op, l);
    }
    return number instanceof Double d ? NikunjyTests.decimal(op, d) : NikunjyTests.NEVER;
  }

  /** {@code 1.2.3}, with optional {@code -pre.release} and {@code +build}; else null (nothing read). */
  private String version() {
    int start = pos;
    if (digits() && peek() == '.' && ++pos > 0 && digits() && peek() == '.' && ++pos > 0 && digits()) {
      if (peek() == '-' && isIdentifierChar(charAt(pos + 1))) {
        pos++;
        identifiers();
      }
      if (peek() == '+' && isIdentifierChar(charAt(pos + 1))) {
        pos++;
        identifiers();
      }
      return text.substring(start, pos);
    }
    pos = start;
    return null;
  }

  private boolean digits() {
    int start = pos;
    while (isDigit(peek())) {
      pos++;
    }
    return pos > start;
  }

  private void identifiers() {
    do {
      while (isIdentifierChar(peek())) {
        pos++;
      }
    } while (peek() == '.' && isIdentifierChar(charAt(pos + 1)) && pos++ >= 0);
  }

  /**
   * A Long, a Double, or {@link #INVALID} for a literal the engine cannot read as its type (an
   * integer with an exponent, an integer out of range): such a comparison is false.
   */
  private Object number() {
    int start = pos;
    if (peek() == '-' || peek() == '+') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (!digits()) {
      throw error("expected a number");
    }
    boolean decimal = false;
    if (peek() == '.' && isDigit(charAt(pos + 1))) {
      pos++;
      digits();
      decimal = true;
    }
    boolean exponent = false;
    if ((peek() == 'e' || peek() == 'E') && exponentFollows(pos + 1)) {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      digits();
      exponent = true;
    }
    String literal = text.substring(start, pos);
    if (decimal) {
      return Double.parseDouble(literal);
    }
    if (exponent) {
      return INVALID;
    }
    try {
      return Long.parseLong(literal);
    } catch (NumberFormatException outOfRange) {
      return INVALID;
    }
  }

  private static final Object INVALID = new Object();

  private boolean exponentFollows(int at) {
    char c = charAt(at);
    return isDigit(c) || ((c == '+' || c == '-') && isDigit(charAt(at + 1)));
  }

  /** {@code [a, b]}: strings, integers or decimals, all of one kind, not empty. */
  private Test list(Op op) {
    pos++;
    List<Object> items = new ArrayList<>();
    while (true) {
      items.add(listItem());
      while (peek() == ' ') {
        pos++;
      }
      if (peek() == ',') {
        pos++;
        skipSpaces();
      } else if (peek() == ']' && text.charAt(pos - 1) != ' ') {
        pos++;
        break;
      } else {
        throw error("malformed list");
      }
    }
    Class<?> kind = items.get(0).getClass();
    for (Object item : items) {
      if (item.getClass() != kind) {
        throw error("a list mixes kinds of values");
      }
    }
    if (op != Op.IN) {
      return NikunjyTests.NEVER;
    }
    return listTest(items, kind);
  }

  private Object listItem() {
    char c = peek();
    if (c == '"') {
      return string();
    }
    if (isDigit(c) || c == '-' || c == '+') {
      Object number = number();
      if (number == INVALID) {
        throw error("invalid number in a list");
      }
      return number;
    }
    throw error("expected a string or a number in the list");
  }

  private static Test listTest(List<Object> items, Class<?> kind) {
    if (kind == String.class) {
      LinkedHashSet<String> values = new LinkedHashSet<>();
      items.forEach(item -> values.add((String) item));
      return NikunjyTests.inStrings(java.util.Set.copyOf(values));
    }
    if (kind == Long.class) {
      return NikunjyTests.inIntegers(items.stream().mapToLong(i -> (Long) i).toArray());
    }
    return NikunjyTests.inDecimals(items.stream().mapToDouble(i -> (Double) i).toArray());
  }

  private void enter() {
    if (++depth > MAX_DEPTH) {
      throw error("query nested more than " + MAX_DEPTH + " levels deep");
    }
  }

  private boolean keyword(String word) {
    return text.startsWith(word, pos) && !isNameChar(charAt(pos + word.length()));
  }

  private void skipSpaces() {
    while (peek() == ' ') {
      pos++;
    }
  }

  private char peek() {
    return charAt(pos);
  }

  private char charAt(int at) {
    return at < text.length() ? text.charAt(at) : '\0';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isNameChar(char c) {
    return isLetter(c) || isDigit(c) || c == '-' || c == '_' || c == ':';
  }

  private static boolean isIdentifierChar(char c) {
    return isLetter(c) || isDigit(c) || c == '-';
  }

  private ParseError error(String message) {
    return new ParseError(message + " at offset " + pos);
  }

  /** A query the engine cannot read: the rule is not applied. No stack trace: it is expected. */
  static final class ParseError extends RuntimeException {
    ParseError(String message) {
      super(message, null, false, false);
    }
  }
}
