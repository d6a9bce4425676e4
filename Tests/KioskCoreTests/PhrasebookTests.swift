import Foundation
import Testing
@testable import KioskCore

/// Every outcome, question and date in every language: present, translated, and written as the
/// language writes it.
@Suite("Phrasebooks: English, Spanish, German")
struct PhrasebookTests {
    let maria = Participant(id: "M001", name: "María", role: .mentor)

    /// One of each outcome the kiosk reports, rendered in `language`.
    func everyMessage(_ language: KioskLanguage) -> [String: String] {
        let wording = KioskWording(timeZone: .gmt, language: language)
        let circle = Fixture.circle
        var messages: [String: String] = [:]
        let scans: [ScanOutcome] = [
            .unknownBadge, .inactive(maria), .duplicateScan(maria), .noSessionNow(maria, next: circle), .noSessionNow(maria, next: nil),
            .sessionCancelled(maria, circle, next: Fixture.evening), .chooseSession(maria, [circle, Fixture.lunch]), .checkIn(maria, circle, .onTime),
            .checkIn(maria, circle, .late), .alreadyCheckedIn(maria, circle, at: Fixture.at(5)), .alreadyCheckedOut(maria, circle, at: Fixture.at(50)),
            .sessionNotOpen(maria, sessionID: "S-X"),
        ]
        for (index, outcome) in scans.enumerated() { messages["scan \(index)"] = wording.report(outcome).message }
        let checkOuts: [CheckOutOutcome] = [.notCheckedIn(maria), .checkOut(maria, circle, checkedInAt: Fixture.start, duration: 3_900)]
        for (index, outcome) in checkOuts.enumerated() { messages["check-out \(index)"] = wording.report(outcome).message }
        let ratings: [RatingOutcome] = [.invalidValue(7), .notCheckedOut, .alreadyRated, .tooLate, .record(sessionID: "S", value: 3, anonymous: true)]
        for (index, outcome) in ratings.enumerated() { messages["rating \(index)"] = wording.report(outcome, participant: maria).message }
        let answers: [AnswerOutcome] = [
            .invalidValue(.pairFit, 9), .notCheckedOut, .tooLate, .notAsked(.goalProgress), .record(sessionID: "S", question: .mentorHelpful, value: 4),
        ]
        for (index, outcome) in answers.enumerated() { messages["answer \(index)"] = wording.report(outcome, participant: maria).message }
        for question in CheckOutQuestion.allCases {
            let prompt = wording.prompt(question)
            messages["question \(question)"] = prompt.question
            for (index, choice) in prompt.choices.enumerated() { messages["choice \(question) \(index)"] = choice }
        }
        messages["milestone 1"] = wording.milestone(sessionsAttended: 1)
        messages["milestone 25"] = wording.milestone(sessionsAttended: 25)
        messages["cannot record"] = wording.cannotRecord().message
        messages["not a badge"] = wording.report(BadgeRejection.empty).message
        let phrases = wording.phrases
        for text in ScreenText.allCases { messages["screen \(text)"] = phrases.text(text) }
        for action in FacilitatorAction.allCases { messages["action \(action)"] = phrases.action(action) }
        for status in AttendanceStatus.allCases { messages["status \(status)"] = phrases.status(status) }
        messages["enter PIN"] = phrases.enterPIN(name: "María")
        messages["open now"] = phrases.openNow(title: "Peer Circle A", times: "15:00–16:00", present: 3, expected: 4)
        messages["next session"] = phrases.nextSession(title: "Peer Circle A", at: "15:00")
        messages["which session"] = phrases.whichSession(name: "María")
        messages["you checked in"] = phrases.youCheckedIn(name: "María", title: "Peer Circle A", at: "15:00")
        messages["one more question"] = phrases.oneMoreQuestion(name: "María")
        messages["your goal"] = phrases.yourGoal("CV")
        messages["tally position"] = phrases.tallyPosition(1, of: 2)
        messages["tally counts"] = phrases.tallyCounts(TallyCounts(present: 2, expected: 4, guests: 1, excused: 1, late: 1, checkedOut: 0))
        messages["arrivals"] = phrases.arrivals(from: "15:00")
        messages["pick keys"] = phrases.pickKeys(verb: "x")
        messages["wrong PIN 1"] = phrases.wrongPIN(triesLeft: 1)
        messages["wrong PIN 3"] = phrases.wrongPIN(triesLeft: 3)
        messages["PIN locked"] = phrases.pinLocked()
        messages["no facilitator PIN"] = phrases.noFacilitatorPIN(name: "María")
        messages["no unknown badge"] = phrases.noUnknownBadge()
        let confirmations: [FacilitatorDone] = [
            .checkedIn(maria, circle), .badgeLinked(maria), .opened(circle), .closed(circle, checkedOut: 2), .excused(maria, circle),
            .cancelled(circle), .undone(maria, circle),
        ]
        for (index, done) in confirmations.enumerated() { messages["done \(index)"] = wording.confirmation(done) }
        let statuses = [
            IdleStatus(eventsStored: nil), IdleStatus(eventsStored: 12), IdleStatus(eventsStored: 1, export: .allAtHub, speechWorks: true),
            IdleStatus(eventsStored: 40, export: .waiting(3), refused: 2, speechWorks: false),
        ]
        for (index, status) in statuses.enumerated() { messages["idle status \(index)"] = phrases.idleStatus(status) }
        return messages
    }

    /// Words that are the same in English and another language: the letters "PIN", "ERROR" in
    /// Spanish, "manual" in Spanish.
    static let sameAsEnglish: Set<String> = ["screen pinBanner", "screen error", "status manual"]

    @Test("a banner word is one the banner font can draw in every language, or short enough for plain bold")
    func bannerWords() {
        let banners: [ScreenText] = [
            .welcome, .late, .thankYou, .goodbye, .alreadyOut, .unknown, .notABadge, .noSession, .cancelled, .inactive, .notOpen, .error, .done,
            .sorry, .chooseBanner, .checkOutBanner, .oneMoreBanner, .pinBanner, .tapBadgeBanner,
        ]
        for language in KioskLanguage.allCases {
            for banner in banners {
                let word = language.phrases.text(banner)
                #expect(word == word.uppercased() && word.count <= 14, "\(language) \(banner): \(word)")
            }
        }
    }

    @Test("English stays word for word what the kiosk said before the phrasebooks")
    func englishUnchanged() {
        let english = everyMessage(.english)
        #expect(english["scan 0"] == "✗ Unknown badge — please see the facilitator")
        #expect(english["scan 3"] == "✗ No session right now — next: Peer Circle A at 15:00")
        #expect(english["scan 8"] == "✓ Welcome, María — checked in to Peer Circle A (late, started 15:00)")
        #expect(english["check-out 1"] == "✓ Goodbye, María — checked out of Peer Circle A after 1 h 5 min")
        #expect(english["rating 4"] == "✓ Thank you for rating 3 of 4 (anonymous)")
        #expect(english["milestone 25"] == "★ That is your 25th session — well done!")
        #expect(english["answer 4"] == "✓ Thank you — very")
        #expect(english["idle status 1"] == "12 events stored │ no hub: working offline")
        #expect(english["idle status 3"] == "40 events stored │ 3 waiting for the hub, ✗ 2 refused by the hub │ speech ✗ see status")
        #expect(english["done 0"] == "✓ María checked in to Peer Circle A")
    }

    @Test("every phrase exists in every language, and Spanish and German say it in their own words", arguments: [KioskLanguage.spanish, .german])
    func translated(_ language: KioskLanguage) {
        let english = everyMessage(.english)
        let other = everyMessage(language)
        #expect(Set(other.keys) == Set(english.keys))
        for (key, text) in other {
            #expect(!text.trimmingCharacters(in: .whitespaces).isEmpty, "\(language) \(key)")
            // A word the same in both (okay, mentee) is fine for a button; a sentence is not.
            if !key.hasPrefix("choice"), !Self.sameAsEnglish.contains(key) {
                #expect(text != english[key], "\(language) \(key) is still English: \(text)")
            }
        }
        for question in CheckOutQuestion.allCases {
            let choices = KioskWording(timeZone: .gmt, language: language).prompt(question).choices
            #expect(choices.count == 4 && Set(choices).count == 4, "\(language) \(question): four different buttons")
        }
        #expect(other["scan 8"]?.contains("María") == true && other["scan 8"]?.contains("15:00") == true, "names and times carried over")
    }

    @Test("days, durations and ordinals as each language writes them")
    func forms() {
        let tuesday = Date(timeIntervalSince1970: 1_805_155_200 + 43_200) // 2027-03-16 12:00 UTC, a Tuesday
        #expect(KioskWording(timeZone: .gmt, language: .english).day(tuesday) == "Tue 16 Mar")
        #expect(KioskWording(timeZone: .gmt, language: .spanish).day(tuesday) == "mar 16 mar")
        #expect(KioskWording(timeZone: .gmt, language: .german).day(tuesday) == "Di 16. März")
        #expect(KioskWording(timeZone: .gmt, language: .german).duration(3_900) == "1 Std. 5 Min.")
        #expect(KioskWording(timeZone: .gmt, language: .spanish).duration(600) == "10 min")
        #expect(KioskWording(timeZone: .gmt, language: .german).milestone(sessionsAttended: 10) == "★ Das ist deine 10. Sitzung — gut gemacht!")
        #expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(EnglishPhrases.ordinal)
            == ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th"])
        #expect(KioskLanguage(rawValue: "es") == .spanish && KioskLanguage.allCases.count == 3)
    }

    /// The appliance binary keeps ICU's locale data only for the languages scripts/trim-icu-data
    /// lists: a language added here and not there would format its dates from the root locale.
    @Test("the appliance binary keeps ICU's locale data for every kiosk language")
    func applianceKeepsLocaleDataForEveryLanguage() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let script = try String(contentsOf: repository.appendingPathComponent("scripts/trim-icu-data"), encoding: .utf8)
        let line = try #require(script.split(separator: "\n").first { $0.hasPrefix("LANGUAGES = (") })
        let listed = Set(line.split(separator: "\"").enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) })
        #expect(listed == Set(KioskLanguage.allCases.map(\.rawValue)))
    }
}
