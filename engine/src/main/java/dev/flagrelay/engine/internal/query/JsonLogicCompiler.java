package dev.flagrelay.engine.internal.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Compiles a JsonLogic rule, read once with Jackson, into a tree of {@link JsonLogicNode}s that
 * never touches Jackson again.
 */
final class JsonLogicCompiler {

  static final int MAX_DEPTH = 200;

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonLogicCompiler() {}

  /** The compiled rule when {@code text} is a JSON object, else null (it is a nikunjy query). */
  static Queries.Compiled compileIfObject(String text) {
    if (text.charAt(0) != '{' && text.charAt(0) != ' ' && text.charAt(0) != '\t' && text.charAt(0) != '\r') {
      return null;
    }
    JsonNode tree;
    try {
      tree = MAPPER.readTree(text);
    } catch (JsonProcessingException | RuntimeException notJson) {
      return null;
    }
    if (tree == null || !tree.isObject()) {
      return null;
    }
    if (tree.size() != 1) {
      return new Queries.Compiled(Query.ALWAYS, null); // an object that is no rule is data: truthy
    }
    try {
      return new Queries.Compiled(new JsonLogicQuery(compile(tree, 0)), null);
    } catch (CompileError e) {
      return Queries.failed(e.getMessage());
    }
  }

  /**
   * A compiled JsonLogic rule: matches when its result is truthy. A result holding an infinite or
   * NaN number does not match: the reference writes the result as JSON, which cannot hold one
   * ({@code {"/":[1,0]}} is not applied, {@code {"!==":[{"/":[1,0]},"x"]}} is).
   */
  private record JsonLogicQuery(JsonLogicNode root) implements Query {
    @Override
    public boolean matches(Map<String, Object> context) {
      try {
        Object result = root.eval(context);
        return (JsValues.truthy(result) || isNegativeZero(result)) && writableAsJson(result);
      } catch (RuntimeException | StackOverflowError e) {
        return false;
      }
    }

    /** A result of -0 matches: the reference writes it as "-0", which is not its "0" (seen on the relay, seed 130). */
    private static boolean isNegativeZero(Object result) {
      return result instanceof Double d && d == 0 && Double.doubleToRawLongBits(d) != 0;
    }

    private static boolean writableAsJson(Object result) {
      if (result instanceof Double d) {
        return Double.isFinite(d);
      }
      if (result instanceof List<?> list) {
        return list.stream().allMatch(JsonLogicQuery::writableAsJson);
      }
      if (result instanceof Map<?, ?> map) {
        return map.values().stream().allMatch(JsonLogicQuery::writableAsJson);
      }
      return true;
    }
  }

  private static JsonLogicNode compile(JsonNode node, int depth) {
    if (depth > MAX_DEPTH) {
      throw new CompileError("rule nested more than " + MAX_DEPTH + " levels deep");
    }
    if (node.isObject()) {
      return operation(node, depth);
    }
    if (node.isArray()) {
      JsonLogicNode[] items = new JsonLogicNode[node.size()];
      for (int i = 0; i < items.length; i++) {
        items[i] = compile(node.get(i), depth + 1);
      }
      return new JsonLogicNode.Array(items);
    }
    return new JsonLogicNode.Constant(scalar(node));
  }

  private static JsonLogicNode operation(JsonNode node, int depth) {
    if (node.size() != 1) {
      throw new CompileError("a rule object must have exactly one operator, has " + node.size());
    }
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    Map.Entry<String, JsonNode> field = fields.next();
    JsonLogicOperator operator = JsonLogicOperator.named(field.getKey());
    if (operator == null) {
      throw new CompileError("unknown JsonLogic operator " + field.getKey());
    }
    JsonNode value = field.getValue();
    JsonLogicNode[] args;
    if (value.isArray()) {
      args = new JsonLogicNode[value.size()];
      for (int i = 0; i < args.length; i++) {
        args[i] = compile(value.get(i), depth + 1);
      }
    } else {
      args = new JsonLogicNode[] {compile(value, depth + 1)};
    }
    return new JsonLogicNode.Operation(operator, args, value.isArray());
  }

  private static Object scalar(JsonNode node) {
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    return null;
  }

  /** A rule that cannot be compiled: never applied. */
  static final class CompileError extends RuntimeException {
    CompileError(String message) {
      super(message, null, false, false);
    }
  }
}
