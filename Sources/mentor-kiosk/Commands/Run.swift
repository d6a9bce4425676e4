import ArgumentParser
import Foundation
import KioskApp
import KioskHardware

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the kiosk screen: the appliance's main job (config file, real database).")

    @OptionGroup var options: KioskOptions

    func run() throws {
        let context = try options.context()
        guard isatty(0) == 1, isatty(1) == 1 else {
            throw ValidationError("the kiosk screen needs a terminal (tty1 on the appliance)")
        }
        let devices = KioskDevices(settings: context.config.hardware)
        for line in devices.statusLines { FileHandle.standardError.write(Data("mentor-kiosk: \(line)\n".utf8)) }
        let app = KioskApp(
            desk: try context.desk(), clock: context.clock, options: KioskApp.Options(display: context.config.display), devices: devices,
            speaker: context.config.speech.mode == .off ? nil : Speaker(settings: context.config.speech))
        throw ExitCode(app.run())
    }
}
