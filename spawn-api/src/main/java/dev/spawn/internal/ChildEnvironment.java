package dev.spawn.internal;

import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The map {@code SpawnProcessBuilder.environment()} returns: a mutable copy of the caller's
 * environment with the checks of the JDK's {@code ProcessEnvironment.StringEnvironment}. Putting
 * a name containing {@code '='} or NUL, or a value containing NUL, is an
 * {@link IllegalArgumentException} with the JDK's message; a query with one finds nothing, as
 * the JDK's does. {@code null} is a {@link NullPointerException} and a key or value that is not
 * a {@code String} a {@link ClassCastException}, in queries too. Its views support removal and
 * {@code Entry.setValue} (checked), not addition.
 */
public final class ChildEnvironment extends AbstractMap<String, String> {
    private final Map<String, String> map;

    /** A copy of {@code initial}, which is trusted (the caller's environment). */
    public ChildEnvironment(Map<String, String> initial) {
        this.map = new HashMap<>(initial);
    }

    /** A name to store: checked. */
    private static String name(Object key) {
        String name = query(key);
        if (name.indexOf('=') != -1 || name.indexOf('\u0000') != -1) {
            throw new IllegalArgumentException("Invalid environment variable name: \"" + name + "\"");
        }
        return name;
    }

    /** A value to store: checked. */
    private static String value(Object object) {
        String value = query(object);
        if (value.indexOf('\u0000') != -1) {
            throw new IllegalArgumentException("Invalid environment variable value: \"" + value + "\"");
        }
        return value;
    }

    /** A name or value to look for: any string, as the JDK's valueOfQueryOnly; not null. */
    private static String query(Object object) {
        return Objects.requireNonNull((String) object);
    }

    @Override
    public int size() {
        return map.size();
    }

    @Override
    public boolean isEmpty() {
        return map.isEmpty();
    }

    @Override
    public void clear() {
        map.clear();
    }

    @Override
    public boolean containsKey(Object key) {
        return map.containsKey(query(key));
    }

    @Override
    public boolean containsValue(Object value) {
        return map.containsValue(query(value));
    }

    @Override
    public String get(Object key) {
        return map.get(query(key));
    }

    @Override
    public String put(String key, String value) {
        return map.put(name(key), value(value));
    }

    @Override
    public String remove(Object key) {
        return map.remove(query(key));
    }

    @Override
    public Set<String> keySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<String> iterator() {
                return map.keySet().iterator();
            }

            @Override
            public int size() {
                return map.size();
            }

            @Override
            public void clear() {
                map.clear();
            }

            @Override
            public boolean contains(Object o) {
                return map.containsKey(query(o));
            }

            @Override
            public boolean remove(Object o) {
                return map.keySet().remove(query(o));
            }
        };
    }

    @Override
    public Collection<String> values() {
        return new AbstractCollection<>() {
            @Override
            public Iterator<String> iterator() {
                return map.values().iterator();
            }

            @Override
            public int size() {
                return map.size();
            }

            @Override
            public void clear() {
                map.clear();
            }

            @Override
            public boolean contains(Object o) {
                return map.containsValue(query(o));
            }

            @Override
            public boolean remove(Object o) {
                return map.values().remove(query(o));
            }
        };
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, String>> iterator() {
                Iterator<Map.Entry<String, String>> entries = map.entrySet().iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return entries.hasNext();
                    }

                    @Override
                    public Map.Entry<String, String> next() {
                        return new CheckedEntry(entries.next());
                    }

                    @Override
                    public void remove() {
                        entries.remove();
                    }
                };
            }

            @Override
            public int size() {
                return map.size();
            }

            @Override
            public void clear() {
                map.clear();
            }

            @Override
            public boolean contains(Object o) {
                Map.Entry<?, ?> entry = (Map.Entry<?, ?>) o;
                return map.entrySet().contains(Map.entry(query(entry.getKey()), query(entry.getValue())));
            }

            @Override
            public boolean remove(Object o) {
                Map.Entry<?, ?> entry = (Map.Entry<?, ?>) o;
                return map.entrySet().remove(Map.entry(query(entry.getKey()), query(entry.getValue())));
            }
        };
    }

    /** An entry whose {@code setValue} applies the value check. */
    private static final class CheckedEntry implements Map.Entry<String, String> {
        private final Map.Entry<String, String> entry;

        CheckedEntry(Map.Entry<String, String> entry) {
            this.entry = entry;
        }

        @Override
        public String getKey() {
            return entry.getKey();
        }

        @Override
        public String getValue() {
            return entry.getValue();
        }

        @Override
        public String setValue(String value) {
            return entry.setValue(value(value));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Map.Entry && Objects.equals(getKey(), ((Map.Entry<?, ?>) o).getKey())
                    && Objects.equals(getValue(), ((Map.Entry<?, ?>) o).getValue());
        }

        @Override
        public int hashCode() {
            return entry.hashCode();
        }

        @Override
        public String toString() {
            return getKey() + "=" + getValue();
        }
    }
}
