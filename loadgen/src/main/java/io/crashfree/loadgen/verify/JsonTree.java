package io.crashfree.loadgen.verify;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a small JSON document into plain Java values with jackson-core's streaming parser: objects become
 * {@link LinkedHashMap}s, arrays {@link ArrayList}s, numbers {@link Long} or {@link Double}, then strings, booleans and
 * null. For query answers of a few hundred groups; not for the ingest path.
 */
public final class JsonTree
{
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonTree()
    {
    }

    /**
     * @param json the document.
     * @return its value.
     * @throws IOException when it is not one well-formed JSON value.
     */
    public static Object parse(final String json) throws IOException
    {
        try (JsonParser p = FACTORY.createParser(json))
        {
            final JsonToken first = p.nextToken();
            if (first == null)
            {
                throw new IOException("empty document");
            }
            final Object value = read(p, first);
            if (p.nextToken() != null)
            {
                throw new IOException("trailing content after the JSON value");
            }
            return value;
        }
    }

    private static Object read(final JsonParser p, final JsonToken token) throws IOException
    {
        switch (token)
        {
            case START_OBJECT:
            {
                final Map<String, Object> map = new LinkedHashMap<>();
                JsonToken t;
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME)
                {
                    final String name = p.currentName();
                    map.put(name, read(p, p.nextToken()));
                }
                if (t != JsonToken.END_OBJECT)
                {
                    throw new IOException("unterminated object");
                }
                return map;
            }
            case START_ARRAY:
            {
                final List<Object> list = new ArrayList<>();
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY)
                {
                    if (t == null)
                    {
                        throw new IOException("unterminated array");
                    }
                    list.add(read(p, t));
                }
                return list;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected token " + token);
        }
    }
}
