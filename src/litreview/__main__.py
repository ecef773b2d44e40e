from litreview.cli.main import main

main()
