#include "toml_file.hpp"

#include "io/input_file.hpp"

namespace gelucheck::cli {

std::string toml_type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    default:
      return "a date/time";
  }
}

TomlFile::TomlFile(std::string path, std::string_view kind) : path_(std::move(path)) {
  // A regular file of at most 16 MiB (a gate file or spec is a few kB).
  const std::string text = read_regular_file(path_, kind, uint64_t{1} << 24);
  try {
    root_ = toml::parse(text, path_);
  } catch (const toml::parse_error& e) {
    throw UsageError(fmt::format("{}:{}:{}: {} (the {} is not valid TOML)", escaped(path_),
                                 e.source().begin.line, e.source().begin.column,
                                 escaped(e.description()), kind));
  }
}

std::string TomlFile::at(const toml::node& n) const {
  return fmt::format("{}:{}", escaped(path_), n.source().begin.line);
}

void TomlFile::fail(const toml::node& n, const std::string& why) const {
  throw UsageError(fmt::format("{}: {}", at(n), why));
}

std::string TomlFile::string_value(const toml::node& n, std::string_view key) const {
  const auto* s = n.as_string();
  if (!s) fail(n, fmt::format("'{}' must be a string, got {}", key, toml_type_name(n)));
  return s->get();
}

double TomlFile::number_value(const toml::node& n, std::string_view key) const {
  if (const auto* i = n.as_integer()) return double(i->get());
  if (const auto* d = n.as_floating_point()) return d->get();
  fail(n, fmt::format("'{}' must be a number, got {}", key, toml_type_name(n)));
}

int64_t TomlFile::integer_value(const toml::node& n, std::string_view key, int64_t min,
                                std::optional<int64_t> max) const {
  const auto* i = n.as_integer();
  if (!i) fail(n, fmt::format("'{}' must be an integer, got {}", key, toml_type_name(n)));
  if (!max && i->get() < min)
    fail(n, fmt::format("'{}' must be >= {}, got {}", key, min, i->get()));
  if (max && (i->get() < min || i->get() > *max))
    fail(n, fmt::format("'{}' must be in [{}, {}], got {}", key, min, *max, i->get()));
  return i->get();
}

std::string TomlFile::range_value(const toml::node& n) const {
  if (n.is_string()) return n.as_string()->get();
  const toml::array* a = n.as_array();
  if (!a || a->size() != 2 || !(*a)[0].is_number() || !(*a)[1].is_number())
    fail(n, fmt::format("'range' must be \"LO:HI\" or [LO, HI], got {}", toml_type_name(n)));
  return fmt::format("{}:{}", number_value((*a)[0], "range"), number_value((*a)[1], "range"));
}

}  // namespace gelucheck::cli
