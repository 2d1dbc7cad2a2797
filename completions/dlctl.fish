function __dlctl_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __dlctl_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __dlctl_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __dlctl_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __dlctl_parse_tokens -S
    set -l unparsed_tokens (__dlctl_tokens -pc)
    switch $unparsed_tokens[1]
    case 'dlctl'
        __dlctl_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'init'
            __dlctl_parse_subcommand 0 'uri=' 'timeout=' 'version' 'h/help'
        case 'meta'
            __dlctl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'ls'
                __dlctl_parse_subcommand 1 'uri=' 'timeout=' 'R/recursive' 'o/output=' 'version' 'h/help'
            case 'get'
                __dlctl_parse_subcommand 1 'uri=' 'timeout=' 'hex' 'o/output=' 'version' 'h/help'
            case 'create'
                __dlctl_parse_subcommand 2 'uri=' 'timeout=' 'ephemeral' 'sequential' 'parents' 'count=' 'hold' 'version' 'h/help'
            case 'set'
                __dlctl_parse_subcommand 2 'uri=' 'timeout=' 'version=' 'version' 'h/help'
            case 'rm'
                __dlctl_parse_subcommand 1 'uri=' 'timeout=' 'version=' 'version' 'h/help'
            case 'watch'
                __dlctl_parse_subcommand 1 'uri=' 'timeout=' 'children' 'c=' 'version' 'h/help'
            end
        case 'bookie'
            __dlctl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'start'
                __dlctl_parse_subcommand 0 'uri=' 'timeout=' 'data-dir=' 'port=' 'host=' 'http-port=' 'auth-token=' 'disk-threshold=' 'disk-lower-threshold=' 'gc-interval=' 'checkpoint-interval=' 'log-level=' 'version' 'h/help'
            case 'list'
                __dlctl_parse_subcommand 0 'uri=' 'timeout=' 'o/output=' 'version' 'h/help'
            case 'info'
                __dlctl_parse_subcommand 1 'uri=' 'timeout=' 'o/output=' 'version' 'h/help'
            case 'format'
                __dlctl_parse_subcommand 0 'uri=' 'timeout=' 'data-dir=' 'force' 'bookie-id=' 'version' 'h/help'
            case 'readjournal'
                __dlctl_parse_subcommand 1 'o/output=' 'version' 'h/help'
            case 'readlog'
                __dlctl_parse_subcommand 1 'o/output=' 'version' 'h/help'
            case 'sanity'
                __dlctl_parse_subcommand 1 'uri=' 'timeout=' 'entries=' 'version' 'h/help'
            end
        case 'ledger'
            __dlctl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __dlctl_parse_subcommand 0 'uri=' 'timeout=' 'ensemble=' 'write-quorum=' 'ack-quorum=' 'password=' 'version' 'h/help'
            case 'write'
                __dlctl_parse_subcommand 0 'uri=' 'timeout=' 'ensemble=' 'write-quorum=' 'ack-quorum=' 'password=' 'print-id' 'version' 'h/help'
            case 'list'
                __dlctl_parse_subcommand 0 'uri=' 'timeout=' 'o/output=' 'version' 'h/help'
            case 'show'
                __dlctl_parse_subcommand 1 'uri=' 'timeout=' 'o/output=' 'version' 'h/help'
            case 'read'
                __dlctl_parse_subcommand 1 'uri=' 'timeout=' 'from=' 'to=' 'format=' 'version' 'h/help'
            case 'recover'
                __dlctl_parse_subcommand 1 'uri=' 'timeout=' 'version' 'h/help'
            case 'delete'
                __dlctl_parse_subcommand 1 'uri=' 'timeout=' 'version' 'h/help'
            end
        case 'sandbox'
            __dlctl_parse_subcommand 0 'bookies=' 'detach' 'zookeeper' 'zk-uri=' 'no-restart' 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'stop'
                __dlctl_parse_subcommand 0 'version' 'h/help'
            case 'status'
                __dlctl_parse_subcommand 0 'o/output=' 'timeout=' 'version' 'h/help'
            case 'add-bookie'
                __dlctl_parse_subcommand 0 'version' 'h/help'
            end
        case 'bench'
            __dlctl_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'meta'
                __dlctl_parse_subcommand 0 'uri=' 'timeout=' 'workload=+' 'clients=+' 'ops=' 'o/output=' 'version' 'h/help'
            case 'bookie'
                __dlctl_parse_subcommand 0 'uri=' 'timeout=' 'bookie=' 'latency-adds=' 'pipelined-adds=' 'window=' 'large-adds=' 'large-window=' 'o/output=' 'version' 'h/help'
            case 'ledger'
                __dlctl_parse_subcommand 0 'uri=' 'timeout=' 'ensemble=' 'write-quorum=' 'ack-quorum=' 'latency-entries=' 'pipelined-entries=' 'window=' 'recovery-entries=' 'entry-size=' 'kill-a-bookie' 'o/output=' 'version' 'h/help'
            end
        case 'help'
            __dlctl_parse_subcommand -r 1 'version'
        end
    end
end

function __dlctl_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __dlctl_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __dlctl_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __dlctl_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__dlctl_tokens -p)
    if test -z "$(__dlctl_tokens -t)"
        set -l index (count (__dlctl_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'dlctl' -f
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl" -eq 1' -fa 'init' -d 'Create the cluster layout in the metadata store (idempotent).'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl" -eq 1' -fa 'meta' -d 'Inspect and edit raw metadata nodes (for debugging).'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl" -eq 1' -fa 'bookie' -d 'Run, list and inspect storage nodes (bookies).'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl" -eq 1' -fa 'ledger' -d 'Create, write, read, recover and delete replicated ledgers.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl" -eq 1' -fa 'sandbox' -d 'Run a local cluster: the metadata store and N bookies as separate processes.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl" -eq 1' -fa 'bench' -d 'Measure throughput and latency of the cluster\'s layers.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl init" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl init" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl init" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl init" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl meta" -eq 1' -fa 'ls' -d 'List the children of a node.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl meta" -eq 1' -fa 'get' -d 'Print a node\'s data and version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl meta" -eq 1' -fa 'create' -d 'Create a node.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl meta" -eq 1' -fa 'set' -d 'Set a node\'s data, optionally only at a version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl meta" -eq 1' -fa 'rm' -d 'Delete a node, optionally only at a version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl meta" -eq 1' -fa 'watch' -d 'Print events on a node (or its children) as they happen.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta ls" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta ls" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta ls" R recursive' -s 'R' -l 'recursive' -d 'List the whole subtree.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta ls" o output' -l 'output' -s 'o' -d 'Output format: table or json.' -rfka 'table json'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta ls" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta ls" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta get" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta get" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta get" hex' -l 'hex' -d 'Print data as hex even when it is text.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta get" o output' -l 'output' -s 'o' -d 'Output format: table or json.' -rfka 'table json'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta get" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta get" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta create" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta create" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta create" ephemeral' -l 'ephemeral' -d 'Vanish when this command\'s session ends.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta create" sequential' -l 'sequential' -d 'Append a unique increasing counter to the name.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta create" parents' -l 'parents' -d 'Create missing parents (persistent).'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta create" count' -l 'count' -d 'How many nodes to create.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta create" hold' -l 'hold' -d 'Keep the session open until killed or stdin closes.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta create" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta set" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta set" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta set" version' -l 'version' -d 'Fail unless the node is at this version (compare-and-set).' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta set" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta set" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta rm" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta rm" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta rm" version' -l 'version' -d 'Fail unless the node is at this version.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta rm" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta rm" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta watch" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta watch" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta watch" children' -l 'children' -d 'Watch the node\'s children instead of its data.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta watch" c' -s 'c' -d 'Exit after this many events.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta watch" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl meta watch" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl bookie" -eq 1' -fa 'start' -d 'Run a bookie in the foreground (logs to stderr; SIGTERM or Ctrl-C stops it cleanly).'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl bookie" -eq 1' -fa 'list' -d 'List registered bookies (available and read-only).'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl bookie" -eq 1' -fa 'info' -d 'Show a bookie\'s disk, ledgers and statistics.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl bookie" -eq 1' -fa 'format' -d 'Wipe a bookie\'s data directory and its cookie, so it can join again as a new, empty bookie.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl bookie" -eq 1' -fa 'readjournal' -d 'Decode a bookie\'s journal files for humans (or JSON lines).'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl bookie" -eq 1' -fa 'readlog' -d 'Decode a bookie\'s entry logs for humans (or JSON lines).'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl bookie" -eq 1' -fa 'sanity' -d 'Write and read back a test ledger on one bookie.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie start" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie start" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie start" data-dir' -l 'data-dir' -d 'Data directory (journal, entry logs, cookie).' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie start" port' -l 'port' -d 'Port to listen on; with the host it is the bookie\'s identity.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie start" host' -l 'host' -d 'Address to bind.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie start" http-port' -l 'http-port' -d 'Serve Prometheus /metrics and /info on this port.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie start" auth-token' -l 'auth-token' -d 'Require clients to present this token.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie start" disk-threshold' -l 'disk-threshold' -d 'Used disk share above which the bookie turns read-only.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie start" disk-lower-threshold' -l 'disk-lower-threshold' -d 'Used disk share below which it turns writable again.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie start" gc-interval' -l 'gc-interval' -d 'Seconds between garbage collections.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie start" checkpoint-interval' -l 'checkpoint-interval' -d 'Seconds between checkpoints.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie start" log-level' -l 'log-level' -d 'trace, debug, info, notice, warning, error.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie start" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie start" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie list" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie list" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie list" o output' -l 'output' -s 'o' -d 'Output format: table or json.' -rfka 'table json'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie list" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie info" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie info" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie info" o output' -l 'output' -s 'o' -d 'Output format: table or json.' -rfka 'table json'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie info" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie info" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie format" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie format" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie format" data-dir' -l 'data-dir' -d 'The bookie\'s data directory.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie format" force' -l 'force' -d 'Wipe even when the directory holds data.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie format" bookie-id' -l 'bookie-id' -d 'Release this identity (host:port) when the directory has no cookie left.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie format" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie format" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie readjournal" o output' -l 'output' -s 'o' -d 'Output format: table or json.' -rfka 'table json'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie readjournal" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie readjournal" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie readlog" o output' -l 'output' -s 'o' -d 'Output format: table or json.' -rfka 'table json'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie readlog" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie readlog" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie sanity" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie sanity" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie sanity" entries' -l 'entries' -d 'Entries to write.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie sanity" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bookie sanity" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl ledger" -eq 1' -fa 'create' -d 'Create an empty ledger and print its id.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl ledger" -eq 1' -fa 'write' -d 'Create a ledger and write one entry per line of standard input.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl ledger" -eq 1' -fa 'list' -d 'List ledgers with their state.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl ledger" -eq 1' -fa 'show' -d 'Show a ledger\'s metadata and ensembles.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl ledger" -eq 1' -fa 'read' -d 'Print a ledger\'s entries, one per line (up to the last confirmed entry).'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl ledger" -eq 1' -fa 'recover' -d 'Fence a ledger, recover its last entry and close it.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl ledger" -eq 1' -fa 'delete' -d 'Delete a ledger; bookies garbage-collect its entries.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger create" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger create" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger create" ensemble' -l 'ensemble' -d 'Ensemble size E.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger create" write-quorum' -l 'write-quorum' -d 'Write quorum Qw.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger create" ack-quorum' -l 'ack-quorum' -d 'Ack quorum Qa.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger create" password' -l 'password' -d 'Ledger password (the key bookies check).' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger create" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger write" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger write" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger write" ensemble' -l 'ensemble' -d 'Ensemble size E.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger write" write-quorum' -l 'write-quorum' -d 'Write quorum Qw.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger write" ack-quorum' -l 'ack-quorum' -d 'Ack quorum Qa.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger write" password' -l 'password' -d 'Ledger password.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger write" print-id' -l 'print-id' -d 'Print the ledger id first.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger write" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger write" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger list" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger list" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger list" o output' -l 'output' -s 'o' -d 'Output format: table or json.' -rfka 'table json'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger list" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger show" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger show" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger show" o output' -l 'output' -s 'o' -d 'Output format: table or json.' -rfka 'table json'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger show" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger read" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger read" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger read" from' -l 'from' -d 'First entry.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger read" to' -l 'to' -d 'Last entry (default: the last confirmed).' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger read" format' -l 'format' -d 'text, hex or json.' -rfka 'text hex json'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger read" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger read" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger recover" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger recover" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger recover" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger recover" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger delete" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger delete" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger delete" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl ledger delete" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl sandbox" bookies' -l 'bookies' -d 'Number of bookies.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl sandbox" detach' -l 'detach' -d 'Run in the background; print the metadata URI once every bookie is up.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl sandbox" zookeeper' -l 'zookeeper' -d 'Keep metadata in a ZooKeeper server started for the sandbox.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl sandbox" zk-uri' -l 'zk-uri' -d 'Keep metadata in this (running) ZooKeeper instead.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl sandbox" no-restart' -l 'no-restart' -d 'Do not restart bookies that exit.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl sandbox" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl sandbox" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl sandbox" -eq 1' -fa 'stop' -d 'Stop the running sandbox and its bookies.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl sandbox" -eq 1' -fa 'status' -d 'Show the sandbox\'s bookies; exit 0 only when every one is up.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl sandbox" -eq 1' -fa 'add-bookie' -d 'Add one more bookie to the running sandbox.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl sandbox stop" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl sandbox stop" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl sandbox status" o output' -l 'output' -s 'o' -d 'Output format: table or json.' -rfka 'table json'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl sandbox status" timeout' -l 'timeout' -d 'Seconds before giving up on the metadata store.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl sandbox status" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl sandbox status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl sandbox add-bookie" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl sandbox add-bookie" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl bench" -eq 1' -fa 'meta' -d 'Metadata store: create and compare-and-set throughput and latency, watch notification latency.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl bench" -eq 1' -fa 'bookie' -d 'One bookie\'s add path: single-add latency, pipelined 100-byte adds/s, 64 KiB MiB/s.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_positional "dlctl bench" -eq 1' -fa 'ledger' -d 'Replicated ledger writes: one-in-flight latency, pipelined entries/s, recovery time, ensemble-change stall.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench meta" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench meta" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench meta"' -l 'workload' -d 'Workloads to run (repeatable).' -rfka 'create cas watch'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench meta"' -l 'clients' -d 'Concurrent clients (repeatable, e.g. --clients 1 --clients 8).' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench meta" ops' -l 'ops' -d 'Operations per client.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench meta" o output' -l 'output' -s 'o' -d 'Output format: table or json.' -rfka 'table json'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench meta" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench meta" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench bookie" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench bookie" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench bookie" bookie' -l 'bookie' -d 'Bookie id (host:port); default: the first registered bookie.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench bookie" latency-adds' -l 'latency-adds' -d 'Adds for the one-in-flight latency run.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench bookie" pipelined-adds' -l 'pipelined-adds' -d '100-byte adds for the pipelined run.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench bookie" window' -l 'window' -d 'Adds in flight in the pipelined run.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench bookie" large-adds' -l 'large-adds' -d '64 KiB adds for the bandwidth run.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench bookie" large-window' -l 'large-window' -d '64 KiB adds in flight.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench bookie" o output' -l 'output' -s 'o' -d 'Output format: table or json.' -rfka 'table json'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench bookie" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench bookie" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench ledger" uri' -l 'uri' -d 'Metadata URI (file path, sqlite://, zk://, distributedlog://). Default: $DLCTL_METADATA_URI.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench ledger" timeout' -l 'timeout' -d 'Seconds before the command gives up on the cluster.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench ledger" ensemble' -l 'ensemble' -d 'Ensemble size E.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench ledger" write-quorum' -l 'write-quorum' -d 'Write quorum Qw.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench ledger" ack-quorum' -l 'ack-quorum' -d 'Ack quorum Qa.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench ledger" latency-entries' -l 'latency-entries' -d 'Entries for the one-in-flight run.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench ledger" pipelined-entries' -l 'pipelined-entries' -d 'Entries for the pipelined run.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench ledger" window' -l 'window' -d 'Entries in flight in the pipelined run.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench ledger" recovery-entries' -l 'recovery-entries' -d 'Entries in the ledger whose writer dies before recovery.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench ledger" entry-size' -l 'entry-size' -d 'Payload bytes.' -rfka ''
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench ledger" kill-a-bookie' -l 'kill-a-bookie' -d 'Kill an ensemble bookie during the pipelined run.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench ledger" o output' -l 'output' -s 'o' -d 'Output format: table or json.' -rfka 'table json'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench ledger" version' -l 'version' -d 'Show the version.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl bench ledger" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'dlctl' -n '__dlctl_should_offer_completions_for_flags_or_options "dlctl help" version' -l 'version' -d 'Show the version.'
