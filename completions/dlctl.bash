#!/bin/bash

__dlctl_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__dlctl_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__dlctl_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__dlctl_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_dlctl() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __dlctl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    init|meta|namespace|log|write|tail|segments|inspect|seal|recover|truncate|purge|check|subscribers|dlsn|bookie|proxy|ledger|autorecovery|sandbox|bench|shell|top|history|help)
        # Offer subcommand argument completions
        "_dlctl_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'init meta namespace log write tail segments inspect seal recover truncate purge check subscribers dlsn bookie proxy ledger autorecovery sandbox bench shell top history help' -- "${cur}"))
        ;;
    esac
}

_dlctl_init() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_dlctl_meta() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __dlctl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    ls|get|create|set|rm|watch)
        # Offer subcommand argument completions
        "_dlctl_meta_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'ls get create set rm watch' -- "${cur}"))
        ;;
    esac
}

_dlctl_meta_ls() {
    repeating_flags=()
    non_repeating_flags=(-R --recursive --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --output -o)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_dlctl_meta_get() {
    repeating_flags=()
    non_repeating_flags=(--hex --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --output -o)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_dlctl_meta_create() {
    repeating_flags=()
    non_repeating_flags=(--ephemeral --sequential --parents --hold --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --count)
    __dlctl_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--count')
        return
        ;;
    esac
}

_dlctl_meta_set() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --version)
    __dlctl_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--version')
        return
        ;;
    esac
}

_dlctl_meta_rm() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --version)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--version')
        return
        ;;
    esac
}

_dlctl_meta_watch() {
    repeating_flags=()
    non_repeating_flags=(--children --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout -c)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '-c')
        return
        ;;
    esac
}

_dlctl_namespace() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __dlctl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|list|show|config|delete)
        # Offer subcommand argument completions
        "_dlctl_namespace_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create list show config delete' -- "${cur}"))
        ;;
    esac
}

_dlctl_namespace_create() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion namespace create -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_namespace_list() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --output -o)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_dlctl_namespace_show() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --output -o)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion namespace show -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_namespace_config() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __dlctl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    show|set)
        # Offer subcommand argument completions
        "_dlctl_namespace_config_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'show set' -- "${cur}"))
        ;;
    esac
}

_dlctl_namespace_config_show() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --output -o)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion namespace config show -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_namespace_config_set() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --soft-records --hard-records --soft-bytes --hard-bytes --output -o)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--soft-records')
        __dlctl_add_completions -W 'none'
        return
        ;;
    '--hard-records')
        __dlctl_add_completions -W 'none'
        return
        ;;
    '--soft-bytes')
        __dlctl_add_completions -W 'none'
        return
        ;;
    '--hard-bytes')
        __dlctl_add_completions -W 'none'
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion namespace config set -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_namespace_delete() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion namespace delete -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_log() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __dlctl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|list|show|config|rename|delete)
        # Offer subcommand argument completions
        "_dlctl_log_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create list show config rename delete' -- "${cur}"))
        ;;
    esac
}

_dlctl_log_create() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion log create -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_log_list() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --output -o)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion log list -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_log_show() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --output -o)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion log show -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_log_config() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __dlctl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    show|set)
        # Offer subcommand argument completions
        "_dlctl_log_config_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'show set' -- "${cur}"))
        ;;
    esac
}

_dlctl_log_config_show() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --output -o)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion log config show -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_log_config_set() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --soft-records --hard-records --soft-bytes --hard-bytes --output -o)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--soft-records')
        __dlctl_add_completions -W 'none'
        return
        ;;
    '--hard-records')
        __dlctl_add_completions -W 'none'
        return
        ;;
    '--soft-bytes')
        __dlctl_add_completions -W 'none'
        return
        ;;
    '--hard-bytes')
        __dlctl_add_completions -W 'none'
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion log config set -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_log_rename() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout)
    __dlctl_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion log rename -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_log_delete() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion log delete -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_write() {
    repeating_flags=()
    non_repeating_flags=(--txid-clock --immediate --direct --acks --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --input --txid-field --txid-delimiter --lock-timeout --codec --roll-size --roll-interval)
    __dlctl_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--input')
        __dlctl_add_completions -W 'lines'$'\n''raw'$'\n''length-prefixed'$'\n''json'$'\n''json-envelope'
        return
        ;;
    '--txid-field')
        return
        ;;
    '--txid-delimiter')
        return
        ;;
    '--lock-timeout')
        return
        ;;
    '--codec')
        return
        ;;
    '--roll-size')
        return
        ;;
    '--roll-interval')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion write -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_tail() {
    repeating_flags=()
    non_repeating_flags=(--follow -f -e --json --direct --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --from -n --count --output --format --subscriber)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--from')
        return
        ;;
    '-n'|'--count')
        return
        ;;
    '--output')
        __dlctl_add_completions -W 'lines'$'\n''json'$'\n''length-prefixed'$'\n''raw'
        return
        ;;
    '--format')
        return
        ;;
    '--subscriber')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion tail -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_segments() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --output -o)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion segments -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_inspect() {
    repeating_flags=()
    non_repeating_flags=(--hex --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --segment --from-entry -n --count --output -o)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--segment')
        return
        ;;
    '--from-entry')
        return
        ;;
    '-n'|'--count')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion inspect -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_seal() {
    repeating_flags=()
    non_repeating_flags=(--direct --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --lock-timeout)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--lock-timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion seal -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_recover() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --lock-timeout --output -o)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--lock-timeout')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion recover -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_truncate() {
    repeating_flags=()
    non_repeating_flags=(--direct --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --before)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--before')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion truncate -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_purge() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --retention --output -o)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--retention')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion purge -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_check() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __dlctl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    logs|perf)
        # Offer subcommand argument completions
        "_dlctl_check_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'logs perf' -- "${cur}"))
        ;;
    esac
}

_dlctl_check_logs() {
    repeating_flags=()
    non_repeating_flags=(--all --repair --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --output -o)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_dlctl_check_perf() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --output -o)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_dlctl_subscribers() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --commit --remove --output -o)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--commit')
        return
        ;;
    '--remove')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion subscribers -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_dlsn() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __dlctl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    decode|encode)
        # Offer subcommand argument completions
        "_dlctl_dlsn_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'decode encode' -- "${cur}"))
        ;;
    esac
}

_dlctl_dlsn_decode() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __dlctl_offer_flags_options 1
}

_dlctl_dlsn_encode() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __dlctl_offer_flags_options 1
}

_dlctl_bookie() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __dlctl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    start|list|info|format|readjournal|readlog|sanity|decommission)
        # Offer subcommand argument completions
        "_dlctl_bookie_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'start list info format readjournal readlog sanity decommission' -- "${cur}"))
        ;;
    esac
}

_dlctl_bookie_start() {
    repeating_flags=()
    non_repeating_flags=(--no-replication-worker --power-loss-recorder --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --data-dir --port --host --http-port --auth-token --disk-threshold --disk-lower-threshold --gc-interval --checkpoint-interval --write-cache-mb --max-adds-in-flight --log-level --lost-bookie-delay --ledger-check-interval --replication-rate)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--port')
        return
        ;;
    '--host')
        return
        ;;
    '--http-port')
        return
        ;;
    '--auth-token')
        return
        ;;
    '--disk-threshold')
        return
        ;;
    '--disk-lower-threshold')
        return
        ;;
    '--gc-interval')
        return
        ;;
    '--checkpoint-interval')
        return
        ;;
    '--write-cache-mb')
        return
        ;;
    '--max-adds-in-flight')
        return
        ;;
    '--log-level')
        return
        ;;
    '--lost-bookie-delay')
        return
        ;;
    '--ledger-check-interval')
        return
        ;;
    '--replication-rate')
        return
        ;;
    esac
}

_dlctl_bookie_list() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --output -o)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_dlctl_bookie_info() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --output -o)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion bookie info -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_bookie_format() {
    repeating_flags=()
    non_repeating_flags=(--force --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --data-dir --bookie-id)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--data-dir')
        return
        ;;
    '--bookie-id')
        return
        ;;
    esac
}

_dlctl_bookie_readjournal() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--output -o)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_dlctl_bookie_readlog() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--output -o)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_dlctl_bookie_sanity() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --entries)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--entries')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion bookie sanity -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_bookie_decommission() {
    repeating_flags=()
    non_repeating_flags=(--force --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion bookie decommission -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_proxy() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __dlctl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    start|list|info|drain|release)
        # Offer subcommand argument completions
        "_dlctl_proxy_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'start list info drain release' -- "${cur}"))
        ;;
    esac
}

_dlctl_proxy_start() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --port --host --http-port --idle-release --roll-size --roll-interval --codec --log-level --soft-records --hard-records --soft-bytes --hard-bytes --max-logs --follower-lag)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--port')
        return
        ;;
    '--host')
        return
        ;;
    '--http-port')
        return
        ;;
    '--idle-release')
        return
        ;;
    '--roll-size')
        return
        ;;
    '--roll-interval')
        return
        ;;
    '--codec')
        return
        ;;
    '--log-level')
        return
        ;;
    '--soft-records')
        __dlctl_add_completions -W 'none'
        return
        ;;
    '--hard-records')
        __dlctl_add_completions -W 'none'
        return
        ;;
    '--soft-bytes')
        __dlctl_add_completions -W 'none'
        return
        ;;
    '--hard-bytes')
        __dlctl_add_completions -W 'none'
        return
        ;;
    '--max-logs')
        return
        ;;
    '--follower-lag')
        __dlctl_add_completions -W 'none'
        return
        ;;
    esac
}

_dlctl_proxy_list() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --output -o)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_dlctl_proxy_info() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --output -o)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion proxy info -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_proxy_drain() {
    repeating_flags=()
    non_repeating_flags=(--undo --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion proxy drain -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_proxy_release() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion proxy release -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_ledger() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __dlctl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|write|list|show|read|recover|delete|check|underreplicated)
        # Offer subcommand argument completions
        "_dlctl_ledger_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create write list show read recover delete check underreplicated' -- "${cur}"))
        ;;
    esac
}

_dlctl_ledger_create() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --ensemble --write-quorum --ack-quorum --password)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--ensemble')
        return
        ;;
    '--write-quorum')
        return
        ;;
    '--ack-quorum')
        return
        ;;
    '--password')
        return
        ;;
    esac
}

_dlctl_ledger_write() {
    repeating_flags=()
    non_repeating_flags=(--print-id --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --ensemble --write-quorum --ack-quorum --password)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--ensemble')
        return
        ;;
    '--write-quorum')
        return
        ;;
    '--ack-quorum')
        return
        ;;
    '--password')
        return
        ;;
    esac
}

_dlctl_ledger_list() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --output -o)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_dlctl_ledger_show() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --output -o)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion ledger show -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_ledger_read() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --from --to --format)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--from')
        return
        ;;
    '--to')
        return
        ;;
    '--format')
        __dlctl_add_completions -W 'text'$'\n''hex'$'\n''json'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion ledger read -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_ledger_recover() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion ledger recover -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_ledger_delete() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion ledger delete -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_ledger_check() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --sample --output -o)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--sample')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -W "$(__dlctl_custom_complete ---completion ledger check -- positional@0 "${COMP_CWORD}" "$(__dlctl_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_dlctl_ledger_underreplicated() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --output -o)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_dlctl_autorecovery() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __dlctl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    status|enable|disable|check)
        # Offer subcommand argument completions
        "_dlctl_autorecovery_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'status enable disable check' -- "${cur}"))
        ;;
    esac
}

_dlctl_autorecovery_status() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --output -o)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_dlctl_autorecovery_enable() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_dlctl_autorecovery_disable() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_dlctl_autorecovery_check() {
    repeating_flags=()
    non_repeating_flags=(--full --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_dlctl_sandbox() {
    repeating_flags=()
    non_repeating_flags=(--detach --zookeeper --no-restart --version -h --help)
    repeating_options=()
    non_repeating_options=(--bookies --proxies --zk-uri --lost-bookie-delay --replication-rate)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--bookies')
        return
        ;;
    '--proxies')
        return
        ;;
    '--zk-uri')
        return
        ;;
    '--lost-bookie-delay')
        return
        ;;
    '--replication-rate')
        return
        ;;
    esac

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    stop|status|add-bookie)
        # Offer subcommand argument completions
        "_dlctl_sandbox_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'stop status add-bookie' -- "${cur}"))
        ;;
    esac
}

_dlctl_sandbox_stop() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __dlctl_offer_flags_options 0
}

_dlctl_sandbox_status() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--output -o --timeout)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_dlctl_sandbox_add-bookie() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __dlctl_offer_flags_options 0
}

_dlctl_bench() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __dlctl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    meta|bookie|ledger|write|read|e2e|fanout|tenants|curve)
        # Offer subcommand argument completions
        "_dlctl_bench_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'meta bookie ledger write read e2e fanout tenants curve' -- "${cur}"))
        ;;
    esac
}

_dlctl_bench_meta() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--workload --clients)
    non_repeating_options=(--uri --timeout --ops --output -o)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--workload')
        __dlctl_add_completions -W 'create'$'\n''cas'$'\n''watch'
        return
        ;;
    '--clients')
        return
        ;;
    '--ops')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_dlctl_bench_bookie() {
    repeating_flags=()
    non_repeating_flags=(--wait-idle --no-wait-idle --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --bookie --latency-adds --pipelined-adds --window --large-adds --large-window --output -o)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--bookie')
        return
        ;;
    '--latency-adds')
        return
        ;;
    '--pipelined-adds')
        return
        ;;
    '--window')
        return
        ;;
    '--large-adds')
        return
        ;;
    '--large-window')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_dlctl_bench_ledger() {
    repeating_flags=()
    non_repeating_flags=(--kill-a-bookie --wait-idle --no-wait-idle --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --ensemble --write-quorum --ack-quorum --latency-entries --pipelined-entries --window --recovery-entries --entry-size --output -o)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--ensemble')
        return
        ;;
    '--write-quorum')
        return
        ;;
    '--ack-quorum')
        return
        ;;
    '--latency-entries')
        return
        ;;
    '--pipelined-entries')
        return
        ;;
    '--window')
        return
        ;;
    '--recovery-entries')
        return
        ;;
    '--entry-size')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_dlctl_bench_write() {
    repeating_flags=()
    non_repeating_flags=(--keep --immediate --via-proxy --adaptive-window --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --ensemble --write-quorum --ack-quorum --record-size --seconds --logs --clients --kill-owner-after --outstanding-mib --output -o --rate)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--ensemble')
        return
        ;;
    '--write-quorum')
        return
        ;;
    '--ack-quorum')
        return
        ;;
    '--record-size')
        return
        ;;
    '--seconds')
        return
        ;;
    '--logs')
        return
        ;;
    '--clients')
        return
        ;;
    '--kill-owner-after')
        return
        ;;
    '--outstanding-mib')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    '--rate')
        return
        ;;
    esac
}

_dlctl_bench_read() {
    repeating_flags=()
    non_repeating_flags=(--keep --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --ensemble --write-quorum --ack-quorum --record-size --records --existing --output -o)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--ensemble')
        return
        ;;
    '--write-quorum')
        return
        ;;
    '--ack-quorum')
        return
        ;;
    '--record-size')
        return
        ;;
    '--records')
        return
        ;;
    '--existing')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_dlctl_bench_e2e() {
    repeating_flags=()
    non_repeating_flags=(--keep --via-proxy --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --ensemble --write-quorum --ack-quorum --record-size --records --interval-micros --output -o)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--ensemble')
        return
        ;;
    '--write-quorum')
        return
        ;;
    '--ack-quorum')
        return
        ;;
    '--record-size')
        return
        ;;
    '--records')
        return
        ;;
    '--interval-micros')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_dlctl_bench_fanout() {
    repeating_flags=()
    non_repeating_flags=(--keep --processes --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --ensemble --write-quorum --ack-quorum --record-size --readers --stop-one --rate --seconds --output -o)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--ensemble')
        return
        ;;
    '--write-quorum')
        return
        ;;
    '--ack-quorum')
        return
        ;;
    '--record-size')
        return
        ;;
    '--readers')
        return
        ;;
    '--stop-one')
        return
        ;;
    '--rate')
        return
        ;;
    '--seconds')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_dlctl_bench_tenants() {
    repeating_flags=()
    non_repeating_flags=(--keep --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --ensemble --write-quorum --ack-quorum --record-size --noisy-limit --noisy-clients --quiet-rate --seconds --output -o)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--ensemble')
        return
        ;;
    '--write-quorum')
        return
        ;;
    '--ack-quorum')
        return
        ;;
    '--record-size')
        return
        ;;
    '--noisy-limit')
        __dlctl_add_completions -W 'none'
        return
        ;;
    '--noisy-clients')
        return
        ;;
    '--quiet-rate')
        return
        ;;
    '--seconds')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_dlctl_bench_curve() {
    repeating_flags=()
    non_repeating_flags=(--keep --via-proxy --adaptive-window --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --ensemble --write-quorum --ack-quorum --record-size --seconds --fractions --logs --clients --output -o)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--ensemble')
        return
        ;;
    '--write-quorum')
        return
        ;;
    '--ack-quorum')
        return
        ;;
    '--record-size')
        return
        ;;
    '--seconds')
        return
        ;;
    '--fractions')
        return
        ;;
    '--logs')
        return
        ;;
    '--clients')
        return
        ;;
    '--output'|'-o')
        __dlctl_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_dlctl_shell() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--uri)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    esac
}

_dlctl_top() {
    repeating_flags=()
    non_repeating_flags=(--once --version -h --help)
    repeating_options=()
    non_repeating_options=(--uri --timeout --interval)
    __dlctl_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--uri')
        return
        ;;
    '--timeout')
        return
        ;;
    '--interval')
        return
        ;;
    esac
}

_dlctl_history() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __dlctl_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    check)
        # Offer subcommand argument completions
        "_dlctl_history_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'check' -- "${cur}"))
        ;;
    esac
}

_dlctl_history_check() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--limit)
    __dlctl_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--limit')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __dlctl_add_completions -d
        return
        ;;
    esac
}

_dlctl_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __dlctl_offer_flags_options -1
}

complete -o filenames -F _dlctl dlctl
