# cmake -DINPUT=example.ini -DOUTPUT=terrafusion.ini -P CommentIni.cmake
# Writes the example configuration with every setting commented out ("; key = value"), so
# the installed /etc/terrafusion/terrafusion.ini documents every key and changes nothing
# until an administrator uncomments one. Sections and comments are kept as they are.
file(STRINGS "${INPUT}" lines ENCODING UTF-8)
set(out "; /etc/terrafusion/terrafusion.ini: configuration of the packaged tf-gateway and tf-syncd.\n")
string(APPEND out "; Every setting below is commented out and shows its default (or an example).\n")
string(APPEND out "; Uncomment and change what you need, then: systemctl restart tf-syncd tf-gateway\n")
string(APPEND out "; Secrets (DATABASE_URL with a password) belong in /etc/default/terrafusion.\n;\n")
foreach(line IN LISTS lines)
    if(line MATCHES "^[ \t]*$" OR line MATCHES "^[ \t]*[;#]" OR line MATCHES "^[ \t]*\\[")
        string(APPEND out "${line}\n")
    else()
        string(APPEND out "; ${line}\n")
    endif()
endforeach()
file(WRITE "${OUTPUT}" "${out}")
