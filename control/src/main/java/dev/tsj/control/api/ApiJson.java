package dev.tsj.control.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.tsj.crypto.PublicKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Function;

/**
 * The one JSON configuration of the control protocol. Keys are base64 (as {@code wg}
 * prints them), prefixes and endpoints are text literals, instants ISO-8601 UTC.
 * Strict on types (no "5" for 5, no "true" for true) so that bad input is refused, lax
 * on unknown fields so that newer peers can add some.
 */
public final class ApiJson {
    private ApiJson() {}

    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(module())
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            // Absent means null: keeps a 10,000-peer map a third smaller.
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();

    private static SimpleModule module() {
        SimpleModule m = new SimpleModule("tsj-control");
        m.addSerializer(PublicKey.class, toStringSerializer(PublicKey::toBase64));
        m.addDeserializer(PublicKey.class, fromStringDeserializer("a base64 key", PublicKey::fromBase64));
        m.addSerializer(IpPrefix.class, toStringSerializer(IpPrefix::toString));
        m.addDeserializer(IpPrefix.class, fromStringDeserializer("an IP prefix", IpPrefix::parse));
        m.addSerializer(InetSocketAddress.class, toStringSerializer(IpLiterals::formatEndpoint));
        m.addDeserializer(InetSocketAddress.class, fromStringDeserializer("an IP:port endpoint", IpLiterals::parseEndpoint));
        m.addSerializer(Instant.class, toStringSerializer(Instant::toString));
        m.addDeserializer(Instant.class, fromStringDeserializer("an ISO-8601 instant", Instant::parse));
        return m;
    }

    private static <T> JsonSerializer<T> toStringSerializer(Function<T, String> f) {
        return new JsonSerializer<>() {
            @Override
            public void serialize(T value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(f.apply(value));
            }
        };
    }

    private static <T> JsonDeserializer<T> fromStringDeserializer(String what, Function<String, T> parse) {
        return new JsonDeserializer<>() {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                if (p.currentToken() != JsonToken.VALUE_STRING) {
                    throw JsonMappingException.from(p, "expected " + what + " as a string");
                }
                String s = p.getText();
                try {
                    return parse.apply(s);
                } catch (IllegalArgumentException | DateTimeParseException e) {
                    throw JsonMappingException.from(p, "expected " + what + ": " + e.getMessage());
                }
            }
        };
    }

    /**
     * One line saying what is wrong with a JSON document, with the field path, and without
     * the parser's source excerpt: fit for an error reply.
     */
    public static String describe(JsonProcessingException e) {
        String msg = e.getOriginalMessage();
        if (msg == null) {
            msg = "malformed JSON";
        }
        int nl = msg.indexOf('\n');
        if (nl >= 0) {
            msg = msg.substring(0, nl);
        }
        if (e instanceof JsonMappingException jm && !jm.getPath().isEmpty()) {
            StringBuilder path = new StringBuilder();
            for (JsonMappingException.Reference r : jm.getPath()) {
                if (r.getFieldName() != null) {
                    path.append(path.isEmpty() ? "" : ".").append(r.getFieldName());
                } else if (r.getIndex() >= 0) {
                    path.append('[').append(r.getIndex()).append(']');
                }
            }
            if (!path.isEmpty()) {
                return "field " + path + ": " + msg;
            }
        }
        if (e.getLocation() != null && e.getLocation().getCharOffset() >= 0) {
            return msg + " (at character " + e.getLocation().getCharOffset() + ")";
        }
        return msg;
    }
}
