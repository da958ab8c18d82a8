"""Reports: the typed context (`context`), built once from the marts (`build`, with one builder per kind of
content: `crime`, `survey`, `series`, `geography`, `quality`, `provenance`, `law`), the Swedish texts
(`texts`), the proposed levels (`levels`), the analysts' text (`analysis`), the charts (`charts`) and one
renderer per output (`render`: HTML, PDF, CSV, the behovsanalys export and the kept editions)."""
