; handbook's own Go highlight query for tree-sitter-go. It captures only what
; the stylesheet colours (identifiers in general get no colour), so the query
; cursor does less work than with a query that tags every identifier. Later
; patterns win over earlier ones for the same node.

(comment) @comment

[(interpreted_string_literal) (raw_string_literal) (rune_literal)] @string
(escape_sequence) @escape

[(int_literal) (float_literal) (imaginary_literal)] @number

[(true) (false) (nil) (iota)] @constant.builtin

[
  "break" "case" "chan" "const" "continue" "default" "defer" "else"
  "fallthrough" "for" "func" "go" "goto" "if" "import" "interface" "map"
  "package" "range" "return" "select" "struct" "switch" "type" "var"
] @keyword

[
  "--" "-" "-=" ":=" "!" "!=" "..." "*" "*=" "/" "/=" "&" "&&" "&=" "&^"
  "&^=" "%" "%=" "^" "^=" "+" "++" "+=" "<-" "<" "<<" "<<=" "<=" "=" "=="
  ">" ">=" ">>" ">>=" "|" "|=" "||" "~"
] @operator

(type_identifier) @type

(function_declaration name: (identifier) @function)
(method_declaration name: (field_identifier) @function)
(call_expression function: (identifier) @function)
(call_expression function: (selector_expression field: (field_identifier) @function))

(call_expression
  function: (identifier) @function.builtin
  (#match? @function.builtin "^(append|cap|clear|close|complex|copy|delete|imag|len|make|max|min|new|panic|print|println|real|recover)$"))

((type_identifier) @type.builtin
  (#match? @type.builtin "^(any|bool|byte|comparable|complex64|complex128|error|float32|float64|int|int8|int16|int32|int64|rune|string|uint|uint8|uint16|uint32|uint64|uintptr)$"))
