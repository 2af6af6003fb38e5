# The fuzz targets and the dictionary each uses (sourced by smoke.sh and run.sh).
# shellcheck shell=bash
TARGETS=(image raster mail mbox zip pdf svg html config_xml payload policy report generate qr_symbol container_wrap)

# The dictionary of a target, as a libFuzzer argument (none for the structure-aware ones).
dict_arg() {
    case "$1" in
        image) echo "-dict=dict/image.dict" ;;
        mail | mbox) echo "-dict=dict/mail.dict" ;;
        zip) echo "-dict=dict/zip.dict" ;;
        pdf) echo "-dict=dict/pdf.dict" ;;
        svg) echo "-dict=dict/svg.dict" ;;
        html) echo "-dict=dict/html.dict" ;;
        config_xml) echo "-dict=dict/config_xml.dict" ;;
        payload) echo "-dict=dict/payload.dict" ;;
        policy) echo "-dict=dict/policy.dict" ;;
        report) echo "-dict=dict/report.dict" ;;
        *) echo "" ;;
    esac
}
